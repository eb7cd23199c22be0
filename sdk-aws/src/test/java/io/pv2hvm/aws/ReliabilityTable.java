package io.pv2hvm.aws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Prints RELIABILITY.md's table from the tallies the reliability tests wrote
 * ({@code <module>/target/reliability/*.txt}, one line of {@code key=value} each): every figure comes
 * from a file; a suite that did not run shows "not run"; a tally this class does not know yet gets
 * a row with its raw figures. Runs without a build (JDK only):
 * {@code java sdk-aws/src/test/java/io/pv2hvm/aws/ReliabilityTable.java} from the project's root.
 */
public final class ReliabilityTable {
    private static final String HEADER = "| test | what happens | runs | faults / kills | completed | rolled back | leaked |\n"
            + "| --- | --- | --- | --- | --- | --- | --- |\n";

    /** One known tally: its file, the test that writes it, what the test does, and its cells. */
    private record Row(String file, String test, String what, Function<Map<String, String>, List<String>> cells) {
    }

    private static final List<Row> ROWS = List.of(
            new Row("crash-matrix.txt", "CrashMatrixTest", "the JVM running a `preservingIps()` migration is SIGKILLed"
                    + " right after each step; a new JVM resumes from the journal", t -> List.of(v(t, "kill-points"),
                    v(t, "kill-points") + " SIGKILLs", v(t, "killed-and-resumed-to-the-same-end-state")
                            + " (same end state as an uninterrupted run)",
                    failed(t, "kill-points", "killed-and-resumed-to-the-same-end-state"), v(t, "leaked"))),
            new Row("in-step-crashes.txt", "InStepCrashMatrixTest", "SIGKILL inside a step: right after each call that"
                    + " creates something (RunInstances, CreateVolume, CreateSnapshot, RegisterImage, CreateSecurityGroup)"
                    + " returned, before the journal recorded it; a new JVM resumes and must adopt, not duplicate",
                    t -> List.of(v(t, "kill-points"), v(t, "killed") + " SIGKILLs", v(t, "resumed-to-the-same-end-state")
                            + " (same end state; " + v(t, "duplicated") + " resources created twice)",
                            failed(t, "killed", "resumed-to-the-same-end-state"), v(t, "leaked"))),
            new Row("lost-responses.txt", "LostResponseMatrixTest", "each mutating action of a migration takes effect,"
                    + " then its answer is lost (first an HTTP 500, then a connection reset); the SDK's retries are off,"
                    + " so only pv2hvm recovers; then, with a worker reached over SSM, the SendCommand of each step command"
                    + " takes effect (the worker runs it) and its answer is lost (a 500 or a reset)",
                    t -> List.of(v(t, "runs") + " (" + v(t, "actions") + " actions, " + v(t, "ssm-commands")
                            + " SSM step commands)",
                    v(t, "responses-lost") + " lost responses, " + v(t, "sdk-retries") + " SDK retries",
                    v(t, "same-end-state") + " (same end state; " + v(t, "duplicated") + " resources created twice; "
                            + v(t, "commands-run-twice-or-lost") + " step commands run twice or lost)",
                    failed(t, "runs", "same-end-state"), v(t, "leaked"))),
            new Row("rollbacks.txt", "RollbackTest", "a failure is injected right after each step (its work done)",
                    t -> List.of(v(t, "runs"), v(t, "runs") + " failures", "0", v(t, "rolled-back")
                            + " (source running with its IPs, volume, ENI, Elastic IP; no security group left)",
                            v(t, "leaked"))),
            new Row("fault-storms.txt", "FaultStormTest", "full migrations while 14 EC2 actions fail 8% of the time"
                    + " (500/503, an HTML 502, a truncated XML 500, an unknown code at 503), status calls suffer connection"
                    + " resets, snapshot reads are delayed, throttling and eventual consistency are on",
                    t -> List.of(v(t, "runs"), v(t, "faults-injected") + " faults answered", v(t, "completed"),
                            v(t, "rolled-back"), v(t, "leaked"))),
            new Row("bad-input.txt", "BadInputTableTest", "kinds of bad input (malformed ids, unknown/terminated/HVM/"
                    + "32-bit/instance-store-root source, termination protection, unknown target type, worker missing,"
                    + " missing IAM permission, PV-only kernel, ...)", t -> List.of(v(t, "cases"), "-", "-",
                    v(t, "refused-with-typed-error-and-no-change") + " refused with a typed error, no mutating call",
                    "0 (nothing created)")),
            new Row("hostile-guest.txt", "HostileGuestLabTest", "hostile guest images (sdk-testkit): links out of the guest"
                    + " at each path the scripts touch, a link loop, device nodes for fstab/menu.lst/inittab, an initramfs"
                    + " tool that reaches for the network, the metadata address and worker files; a canary file on the"
                    + " worker side", t -> List.of(v(t, "cases"), v(t, "cases") + " hostile images",
                    v(t, "completed-inside-the-guest") + " completed inside the guest", v(t, "refused")
                            + " refused with UnsafeGuestException", v(t, "canary-touched") + " worker files read, written"
                            + " or leaked")),
            new Row("journal-lock.txt", "JournalLockTest", "double resume (sdk-core): a second JVM holds the journal while"
                    + " `Migration.resume` and a new run with the same id try it; then the holder is SIGKILLed",
                    t -> List.of(v(t, "attempts"), v(t, "holders-killed") + " SIGKILL", v(t, "resumed-after-holder-died")
                            + " resumed once the holder died", v(t, "refused-unchanged") + " refused: 0 steps, journal"
                            + " unchanged", "-")),
            new Row("cli-lifecycle.txt", "CliLifecycleTest", "the `pv2hvm` CLI in its own JVM (samples): a second `resume`"
                    + " while another process holds the journal; a `resume` whose journaled health command nobody"
                    + " confirmed; SIGTERM during the trial conversion; SIGINT inside the downtime window",
                    t -> List.of(v(t, "runs"), v(t, "signals") + " signals (exit " + v(t, "exit-codes") + ")",
                    v(t, "resume-refused") + " resume refused while held, " + v(t, "health-command-unconfirmed")
                            + " refused unconfirmed; each with 0 AWS calls, then resumed",
                    v(t, "signalled-rolled-back") + " (source running, no live worker)", v(t, "leaked")
                            + " live instances of the migration")));

    private ReliabilityTable() {
    }

    /** The directories tests write tallies to, one per module that has reliability tests. */
    static final List<String> DIRECTORIES = List.of("sdk-aws/target/reliability", "sdk-core/target/reliability",
            "sdk-testkit/target/reliability", "samples/target/reliability");

    /** Prints the table for the tallies in the directories given (default {@link #DIRECTORIES}). */
    public static void main(String[] args) {
        List<String> dirs = args.length > 0 ? List.of(args) : DIRECTORIES;
        System.out.print(render(dirs.stream().map(Path::of).toArray(Path[]::new)));
    }

    /** The markdown table for the tallies in {@code dirs}. */
    static String render(Path... dirs) {
        Map<String, Map<String, String>> tallies = new TreeMap<>();
        for (Path dir : dirs) {
            tallies.putAll(read(dir));
        }
        StringBuilder out = new StringBuilder(HEADER);
        for (Row row : ROWS) {
            Map<String, String> t = tallies.remove(row.file());
            List<String> cells = t == null ? List.of("not run", "", "", "", "") : row.cells().apply(t);
            out.append("| `").append(row.test()).append("` | ").append(row.what()).append(" | ")
                    .append(String.join(" | ", cells)).append(" |\n");
        }
        tallies.forEach((file, t) -> out.append("| `").append(file).append("` | ").append(String.join(" ",
                t.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())).append(" | | | | | |\n"));
        return out.toString();
    }

    private static Map<String, Map<String, String>> read(Path dir) {
        Map<String, Map<String, String>> tallies = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return tallies;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".txt")).sorted().toList()) {
                Map<String, String> t = new LinkedHashMap<>();
                for (String pair : Files.readString(f, StandardCharsets.UTF_8).trim().split("\\s+")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        t.put(pair.substring(0, eq), pair.substring(eq + 1));
                    }
                }
                tallies.put(f.getFileName().toString(), t);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return tallies;
    }

    /** How many of {@code total} runs did not end as an uninterrupted run. */
    private static String failed(Map<String, String> tally, String total, String ok) {
        try {
            int n = Integer.parseInt(tally.get(total)) - Integer.parseInt(tally.get(ok));
            return n == 0 ? "0" : n + " failed (see the test report)";
        } catch (NumberFormatException | NullPointerException e) {
            return "(no " + total + " or " + ok + ")";
        }
    }

    /** A figure of a tally, or a marker that the test did not write it. */
    private static String v(Map<String, String> tally, String key) {
        return tally.getOrDefault(key, "(no " + key + ")");
    }

    /** The tally files this table has a row for. */
    static List<String> knownFiles() {
        List<String> files = new ArrayList<>();
        ROWS.forEach(r -> files.add(r.file()));
        return files;
    }
}
