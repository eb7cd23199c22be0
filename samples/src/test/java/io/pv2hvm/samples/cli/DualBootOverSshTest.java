package io.pv2hvm.samples.cli;

import io.pv2hvm.aws.AwsSteps;
import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.Migration;
import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.core.journal.InMemoryJournal;
import io.pv2hvm.samples.sandbox.EmulatorTimeouts;
import io.pv2hvm.samples.sandbox.SandboxWorld;
import io.pv2hvm.samples.sandbox.SimulatedWorker;
import io.pv2hvm.ssh.HostKeyPolicy;
import io.pv2hvm.ssh.SshKey;
import io.pv2hvm.ssh.SshTransport;
import io.pv2hvm.testkit.Ec2Emulator;
import io.pv2hvm.testkit.LatencyModel;
import io.pv2hvm.testkit.RecordedCall;
import io.pv2hvm.testkit.SimulatedGuest;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DUAL_BOOT with the running source reached over SSH (sdk-ssh's {@link SshTransport}, a real
 * Apache MINA SSH server on 127.0.0.1 standing for the source's sshd), against the emulator: the
 * source runs no SSM agent, so SSM could not reach it (the emulator refuses a command to an
 * instance whose agent is not online, as SSM does). PrepareSourceStep's job arrives at the SSH
 * server, over the SDK's {@code sourceTransport(ip -> ...)} and over the CLI's {@code --source-over-ssh};
 * nothing goes to the source over SSM. The server answers the jobs (the guest is a
 * {@link SimulatedGuest}, as in DualBootEndToEndTest): nothing runs on this machine.
 */
class DualBootOverSshTest {
    private static final String SCALE = System.getProperty("pv2hvm.emulator.timeScale", "0.002");

    @TempDir
    Path dir;

    private Ec2Emulator emulator;
    private Ec2Client ec2;
    private SsmClient ssm;
    private SshServer server;
    /** The scripts the SSH server received on stdin, one per exec channel. */
    private final List<String> scripts = new CopyOnWriteArrayList<>();
    /** The users that logged in. */
    private final List<String> users = new CopyOnWriteArrayList<>();
    private KeyPair userKey;
    private Path keyFile;
    private Path knownHosts;

    @BeforeEach
    void start() throws Exception {
        emulator = Ec2Emulator.builder().latency(LatencyModel.realistic().withTimeScale(Double.parseDouble(SCALE)))
                .ssmExecutor(new SimulatedWorker()).world(SandboxWorld.simulated()).build().start();
        ec2 = Ec2Client.builder().endpointOverride(emulator.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(DefaultCredentialsProvider.builder().build()).build();
        ssm = SsmClient.builder().endpointOverride(emulator.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(DefaultCredentialsProvider.builder().build()).build();

        userKey = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        KeyPair hostKey = KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        server.setPublickeyAuthenticator((user, key, session) -> {
            users.add(user);
            return KeyUtils.compareKeys(key, userKey.getPublic());
        });
        server.setPasswordAuthenticator(null);
        server.setKeyboardInteractiveAuthenticator(null);
        server.setCommandFactory((channel, commandLine) -> new AnsweringSource());
        server.start();

        keyFile = dir.resolve("source-key");
        ByteArrayOutputStream pem = new ByteArrayOutputStream();
        OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(userKey, "test", null, pem);
        Files.write(keyFile, pem.toByteArray());
        knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, "[127.0.0.1]:" + server.getPort() + " "
                + PublicKeyEntry.toString(hostKey.getPublic()) + "\n");
    }

    @AfterEach
    void stop() throws Exception {
        server.stop(true);
        ec2.close();
        ssm.close();
        emulator.stop();
    }

    @Test
    void sdk_sourceTransportOverSsh_carriesTheLiveChangeToTheSource_andNothingGoesToTheSourceOverSsm() {
        SimulatedGuest guest = SimulatedGuest.typical();
        List<String> askedFor = new CopyOnWriteArrayList<>();
        AwsSteps aws = AwsSteps.builder().ec2(ec2).ssm(ssm).timeouts(EmulatorTimeouts.forTimeScale(Double.parseDouble(SCALE)))
                .workerInstanceProfile(SandboxWorld.WORKER_PROFILE).guestConversion(guest)
                .sourceTransport(ip -> {
                    askedFor.add(ip);
                    // the source's sshd is the local server: the private IP is what a real factory would dial
                    return SshTransport.builder().host("127.0.0.1").port(server.getPort()).user("ec2-user")
                            .key(SshKey.fromFile(keyFile)).hostKeys(HostKeyPolicy.knownHosts(knownHosts)).build();
                }).build();

        MigrationResult r = Migration.of(SandboxWorld.SOURCE).toHvm().preservingIps()
                .withStrategy(ConversionStrategy.DUAL_BOOT).withProvider(aws).withJournal(InMemoryJournal.create()).run();

        assertThat(r.newInstanceId()).isNotBlank();
        assertThat(guest.liveChanges()).isEqualTo(1);
        assertThat(askedFor).as("the factory got the source's private IP").containsOnly(SandboxWorld.SOURCE_IP);
        assertTheLiveChangeWentOverSshOnly("ec2-user");
    }

    @Test
    void cli_sourceOverSsh_carriesTheLiveChangeToTheSource_andNothingGoesToTheSourceOverSsm() {
        Cli.Run run = cli("migrate", SandboxWorld.SOURCE, "--preserve-ips", "--strategy", "DUAL_BOOT", "--simulate-guest",
                "--yes", "--json", "--worker-profile", SandboxWorld.WORKER_PROFILE, "--source-over-ssh",
                "--source-ssh-host", "127.0.0.1", "--source-ssh-port", Integer.toString(server.getPort()),
                "--source-ssh-user", "admin", "--source-ssh-key", keyFile.toString(),
                "--source-known-hosts", knownHosts.toString());

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.json().path("newInstanceId").asText()).startsWith("i-");
        assertTheLiveChangeWentOverSshOnly("admin");
    }

    @Test
    void cli_bothWaysToTheSource_orSshDetailsWithoutSsh_areRefusedBeforeAnyCall() {
        Cli.Run both = cli("plan", SandboxWorld.SOURCE, "--strategy", "DUAL_BOOT", "--source-over-ssm",
                "--source-over-ssh");
        Cli.Run detailsOnly = cli("plan", SandboxWorld.SOURCE, "--strategy", "DUAL_BOOT", "--source-over-ssm",
                "--source-ssh-user", "admin");

        assertThat(both.exit()).as(both.toString()).isEqualTo(2);
        assertThat(both.err()).contains("--source-over-ssm and --source-over-ssh exclude each other");
        assertThat(detailsOnly.exit()).as(detailsOnly.toString()).isEqualTo(2);
        assertThat(detailsOnly.err()).contains("add --source-over-ssh");
        assertThat(emulator.journal().all()).isEmpty();
        assertThat(scripts).isEmpty();
    }

    @Test
    void cli_anUnknownHostKey_refusesTheSource_beforeAnythingIsWrittenOnIt() throws Exception {
        Files.writeString(knownHosts, "");

        Cli.Run run = cli("migrate", SandboxWorld.SOURCE, "--preserve-ips", "--strategy", "DUAL_BOOT", "--simulate-guest",
                "--yes", "--worker-profile", SandboxWorld.WORKER_PROFILE, "--source-over-ssh",
                "--source-ssh-host", "127.0.0.1", "--source-ssh-port", Integer.toString(server.getPort()),
                "--source-ssh-user", "admin", "--source-ssh-key", keyFile.toString(),
                "--source-known-hosts", knownHosts.toString());

        assertThat(run.exit()).as(run.toString()).isNotZero();
        assertThat(run.err()).contains("is not listed in known_hosts").contains("prepare-source-dual-boot' failed");
        assertThat(run.err()).as("the rollback's warning does not claim a change was made")
                .contains("DUAL_BOOT change may have been begun").doesNotContain("DUAL_BOOT change was not undone");
        assertThat(scripts).as("no job reached the source").isEmpty();
        assertThat(emulator.journal().calls("StopInstances")).as("the source was never stopped (preflight's DryRun only)")
                .isNotEmpty().allSatisfy(c -> assertThat(c.param("DryRun")).isEqualTo("true"));
        assertThat(emulator.journal().calls("StopInstances")).noneMatch(RecordedCall::tookEffect);
    }

    private void assertTheLiveChangeWentOverSshOnly(String user) {
        assertThat(users).contains(user);
        assertThat(scripts).anySatisfy(s -> assertThat(s).contains("pv2hvm-live-root").contains("--live-root=/"));
        List<RecordedCall> calls = emulator.journal().all();
        assertThat(calls).filteredOn(c -> c.action().equals("SendCommand"))
                .as("commands went over SSM to the worker only").isNotEmpty()
                .noneMatch(c -> SandboxWorld.SOURCE.equals(c.param("InstanceIds.1")));
        assertThat(calls).as("nobody asked whether the source is on SSM")
                .noneMatch(c -> c.action().equals("DescribeInstanceInformation")
                        && String.valueOf(c.params()).contains(SandboxWorld.SOURCE));
    }

    private Cli.Run cli(String command, String... args) {
        List<String> argv = new ArrayList<>(List.of(command));
        argv.addAll(List.of(args));
        argv.addAll(List.of("--endpoint-url", emulator.endpoint().toString(), "--emulator-time-scale", SCALE));
        return Cli.run(argv.toArray(String[]::new));
    }

    /**
     * The source's side of an exec channel: records the script (sent on stdin, as {@code sh -s}
     * reads it) and answers as the job would, without running it. The live-root job prints the
     * root's device as live-root.sh does.
     */
    private final class AnsweringSource implements Command {
        private InputStream in;
        private OutputStream out;
        private ExitCallback exit;

        @Override
        public void setInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
        }

        @Override
        public void setExitCallback(ExitCallback callback) {
            this.exit = callback;
        }

        @Override
        public void start(ChannelSession channel, Environment env) {
            Thread t = new Thread(() -> {
                try {
                    String script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    scripts.add(script);
                    if (script.contains("pv2hvm-live-root")) {
                        out.write("DEVICE=/dev/xvda1\nFSTYPE=ext4\n".getBytes(StandardCharsets.UTF_8));
                    }
                    out.flush();
                    exit.onExit(0);
                } catch (Exception e) {
                    exit.onExit(1, e.toString());
                }
            }, "answering-source");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void destroy(ChannelSession channel) {
        }
    }
}
