package io.pv2hvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.Command;
import software.amazon.awssdk.services.ssm.model.CommandFilter;
import software.amazon.awssdk.services.ssm.model.InvalidCommandIdException;
import software.amazon.awssdk.services.ssm.model.InvalidFilterKeyException;
import software.amazon.awssdk.services.ssm.model.InvalidNextTokenException;
import software.amazon.awssdk.services.ssm.model.ListCommandsResponse;
import software.amazon.awssdk.services.ssm.model.SsmException;

/**
 * ListCommands and ListCommandInvocations as strict as SSM: a new command is listed only after
 * the consistency window, filters and pages are validated and applied, and a lost SendCommand
 * answer leaves a command that runs and is listed with its comment.
 */
@SuppressWarnings("unchecked") // the SDK's varargs Consumer<Builder> overloads
class SsmListingTest {
    private final ManualClock clock = ManualClock.create();
    private final RecordingSsmExecutor recorder = new RecordingSsmExecutor();
    private Ec2Emulator aws;
    private SsmClient ssm;

    @BeforeEach
    void start() {
        aws = Ec2Emulator.builder().world(Worlds.migration()).clock(clock).latency(LatencyModel.realistic())
                .consistencyWindow(Duration.ofMillis(500)).ssmExecutor(recorder).build().start();
        ssm = AwsClients.ssm(aws); // one attempt per call: an injected fault is seen raw
    }

    @AfterEach
    void stop() {
        ssm.close();
        aws.stop();
    }

    private String send(String comment) {
        return ssm.sendCommand(r -> r.documentName("AWS-RunShellScript").instanceIds(Worlds.SOURCE).comment(comment)
                .parameters(Map.of("commands", List.of("true")))).command().commandId();
    }

    @Test
    void aNewCommand_isListedOnlyAfterTheConsistencyWindow_andNamedBeforeThatIsInvalidCommandId() {
        String id = send("first");

        assertThat(ssm.listCommands(r -> r.maxResults(50)).commands()).isEmpty();
        assertThatThrownBy(() -> ssm.listCommands(r -> r.commandId(id))).isInstanceOf(InvalidCommandIdException.class);
        clock.advance(Duration.ofMillis(500));

        assertThat(ssm.listCommands(r -> r.commandId(id)).commands()).extracting(Command::comment).containsExactly("first");
    }

    @Test
    void listedByInstanceId_aCommandStillPendingThereIsNotShown() {
        send("pending");
        clock.advance(Duration.ofMillis(500)); // listed account-wide, still Pending on the node (dispatch takes 1 s)

        assertThat(ssm.listCommands(r -> r.maxResults(5)).commands()).hasSize(1);
        assertThat(ssm.listCommands(r -> r.instanceId(Worlds.SOURCE)).commands()).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(ssm.listCommands(r -> r.instanceId(Worlds.SOURCE)).commands()).hasSize(1);
    }

    @Test
    void pages_ofAtMostMaxResults_followNextTokens_andEveryCommandIsListedOnce() {
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sent.add(send("c" + i));
        }
        clock.advance(Duration.ofSeconds(1));

        List<String> listed = new ArrayList<>();
        String next = null;
        int pages = 0;
        do {
            String token = next;
            ListCommandsResponse page = ssm.listCommands(r -> r.maxResults(2).nextToken(token));
            assertThat(page.commands()).hasSizeLessThanOrEqualTo(2);
            page.commands().forEach(c -> listed.add(c.commandId()));
            next = page.nextToken();
            pages++;
        } while (next != null);

        assertThat(pages).isEqualTo(3);
        assertThat(listed).containsExactlyInAnyOrderElementsOf(sent);
        assertThatThrownBy(() -> ssm.listCommands(r -> r.nextToken("not-a-token")))
                .isInstanceOf(InvalidNextTokenException.class);
        assertThatThrownBy(() -> ssm.listCommandInvocations(r -> r.nextToken(ssm.listCommands(q -> q.maxResults(1)).nextToken())))
                .as("a token of another listing").isInstanceOf(InvalidNextTokenException.class);
    }

    @Test
    void filters_invokedAfterAndBefore_documentName_status_selectCommands() {
        send("old");
        Polling.until(() -> recorder.received().size() == 1);
        clock.advance(Duration.ofMinutes(1));
        Instant between = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        clock.advance(Duration.ofSeconds(1));
        send("new");
        clock.advance(Duration.ofSeconds(1));

        assertThat(list(filter("InvokedAfter", between.toString()))).containsExactly("new");
        assertThat(list(filter("InvokedBefore", between.toString()))).containsExactly("old");
        assertThat(list(filter("DocumentName", "AWS-RunShellScript"))).containsExactlyInAnyOrder("old", "new");
        assertThat(list(filter("DocumentName", "AWS-RunPowerShellScript"))).isEmpty();
        assertThat(list(filter("Status", "Success"))).containsExactly("old");
        assertThat(list(filter("ExecutionStage", "Executing"))).containsExactly("new");
    }

    @Test
    void badListings_areRefusedWithSsmsCodes() {
        assertThatThrownBy(() -> ssm.listCommands(r -> r.maxResults(51))).isInstanceOfSatisfying(SsmException.class,
                e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
        assertThatThrownBy(() -> ssm.listCommands(r -> r.maxResults(0))).isInstanceOf(SsmException.class);
        assertThatThrownBy(() -> ssm.listCommands(r -> r.filters(CommandFilter.builder().key("Comment").value("x").build())))
                .isInstanceOf(InvalidFilterKeyException.class);
        assertThatThrownBy(() -> ssm.listCommandInvocations(r -> r.filters(filter("ExecutionStage", "Complete"))))
                .as("ExecutionStage is for ListCommands only").isInstanceOf(InvalidFilterKeyException.class);
        assertThatThrownBy(() -> ssm.listCommands(r -> r.instanceId(Worlds.SOURCE).filters(filter("Status", "Pending"))))
                .isInstanceOf(InvalidFilterKeyException.class);
        assertThatThrownBy(() -> ssm.listCommands(r -> r.filters(filter("InvokedAfter", "yesterday"))))
                .isInstanceOfSatisfying(SsmException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidFilterValue"));
        assertThatThrownBy(() -> ssm.listCommands(r -> r.commandId("short"))).isInstanceOf(InvalidCommandIdException.class);
        assertThatThrownBy(() -> ssm.listCommands(r -> r.filters(java.util.Collections.nCopies(6,
                filter("DocumentName", "AWS-RunShellScript"))))).isInstanceOf(SsmException.class);
    }

    @Test
    void sendCommand_whoseAnswerIsLost_stillRuns_andIsListedWithItsComment() {
        aws.faults().loseResponseNext("SendCommand", 1).loseResponseByResetNext("SendCommand", 1);

        assertThatThrownBy(() -> send("lost-by-500")).isInstanceOfSatisfying(SsmException.class,
                e -> assertThat(e.statusCode()).isEqualTo(500));
        assertThatThrownBy(() -> send("lost-by-reset")).isInstanceOf(software.amazon.awssdk.core.exception.SdkClientException.class);
        clock.advance(Duration.ofSeconds(4));
        Polling.until(() -> recorder.received().size() == 2);

        assertThat(list(filter("DocumentName", "AWS-RunShellScript"))).containsExactlyInAnyOrder("lost-by-500", "lost-by-reset");
        assertThat(aws.journal().calls("SendCommand")).allSatisfy(c -> assertThat(c.responseLost()).isTrue());
    }

    private static CommandFilter filter(String key, String value) {
        return CommandFilter.builder().key(key).value(value).build();
    }

    private List<String> list(CommandFilter filter) {
        return ssm.listCommands(r -> r.filters(filter)).commands().stream().map(Command::comment).toList();
    }
}
