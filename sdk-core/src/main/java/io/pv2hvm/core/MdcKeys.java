package io.pv2hvm.core;

/**
 * The SLF4J MDC keys pv2hvm sets while a migration runs, so that a log pattern such as
 * {@code %X{migrationId} %X{step}} (Logback, Log4j 2's {@code %X}) tells concurrent migrations
 * apart. They are set on the thread that runs the migration (a fleet runs each on its own thread)
 * for as long as it runs or rolls back, and removed afterwards; threads of the AWS SDK or of your
 * own do not inherit them.
 */
public final class MdcKeys {
    /** The migration's id, e.g. {@code mig-20261121-070735-1a2b3c}: set for the whole run, resume or rollback. */
    public static final String MIGRATION_ID = "migrationId";
    /** The step running, or being compensated during a rollback, e.g. {@code launch-hvm-instance}. */
    public static final String STEP = "step";

    private MdcKeys() {
    }
}
