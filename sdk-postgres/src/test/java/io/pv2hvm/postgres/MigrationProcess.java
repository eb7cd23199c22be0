package io.pv2hvm.postgres;

import io.pv2hvm.core.JournalLockedException;
import io.pv2hvm.core.Migration;
import io.pv2hvm.core.MigrationOptions;
import io.pv2hvm.core.MigrationSpec;
import io.pv2hvm.core.Phase;
import io.pv2hvm.core.spi.ProvidedStep;
import io.pv2hvm.core.spi.Step;
import io.pv2hvm.core.spi.StepContext;
import io.pv2hvm.core.spi.StepProvider;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A process that runs (or resumes) a migration journaled in PostgreSQL, for the cross-process tests.
 * Its steps are one per phase, named after it; the step {@code blockAt} prints {@code in-step NAME}
 * and waits for a line on stdin. Before running it prints {@code ready} and waits for a line, so
 * racers start together. Prints {@code refused HOLDER-PID} and exits 3 if another process holds
 * the migration; {@code succeeded} on success.
 * Args: jdbc-url migration-id lease-millis run|resume block-at-step. Password: PGPASSWORD.
 */
public final class MigrationProcess {
    static final int REFUSED = 3;
    private static final BufferedReader STDIN = new BufferedReader(new InputStreamReader(System.in,
            StandardCharsets.UTF_8));

    private MigrationProcess() {
    }

    public static void main(String[] args) throws Exception {
        PostgresJournal journal = PostgresJournal.connect(args[0]).withLease(Duration.ofMillis(Long.parseLong(args[2])));
        String migrationId = args[1];
        journal.read(migrationId); // connected, schema checked: what follows races only for the lease
        MigrationSpec spec = "resume".equals(args[3]) ? Migration.resume(migrationId, journal)
                : Migration.of("i-0123456789abcdef0").toHvm().withMigrationId(migrationId).withJournal(journal);
        say("ready");
        STDIN.readLine();
        try {
            spec.withProvider(steps(args[4])).run();
            say("succeeded");
        } catch (JournalLockedException e) {
            say("refused " + e.holderPid());
            System.exit(REFUSED);
        }
    }

    /** One step per phase; {@code blockAt} waits for a line on stdin. */
    static StepProvider steps(String blockAt) {
        return new StepProvider() {
            @Override
            public String name() {
                return "test";
            }

            @Override
            public List<ProvidedStep> steps(MigrationOptions options) {
                List<ProvidedStep> steps = new ArrayList<>();
                for (Phase p : Phase.values()) {
                    String name = p.name().toLowerCase();
                    steps.add(new ProvidedStep(p, new Step() {
                        @Override
                        public String name() {
                            return name;
                        }

                        @Override
                        public void run(StepContext context) {
                            if (name.equals(blockAt)) {
                                say("in-step " + name);
                                try {
                                    STDIN.readLine();
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            }
                        }
                    }));
                }
                return steps;
            }
        };
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
