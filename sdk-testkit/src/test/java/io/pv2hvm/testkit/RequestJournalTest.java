package io.pv2hvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The journal's bounded memory and its queries. */
class RequestJournalTest {

    private static RecordedCall call(String action) {
        return new RecordedCall(Instant.EPOCH, "ec2", action, Map.of(), 200, null);
    }

    @Test
    void fullJournal_dropsTheOldestCalls() {
        RequestJournal j = new RequestJournal(3);
        for (String a : new String[] {"DescribeInstances", "RunInstances", "CreateTags", "DescribeVolumes"}) {
            j.record(call(a));
        }
        assertThat(j.all()).extracting(RecordedCall::action).containsExactly("RunInstances", "CreateTags", "DescribeVolumes");
        assertThat(j.dropped()).isEqualTo(1);
        assertThat(j.mutatingCalls()).extracting(RecordedCall::action).containsExactly("RunInstances", "CreateTags");
        assertThat(j.count("DescribeVolumes")).isEqualTo(1);
    }
}
