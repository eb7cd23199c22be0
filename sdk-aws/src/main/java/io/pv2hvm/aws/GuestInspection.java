package io.pv2hvm.aws;

import io.pv2hvm.aws.internal.AwsFacts;
import io.pv2hvm.aws.internal.InspectedGuest;
import io.pv2hvm.core.Blocker;
import io.pv2hvm.core.Migration;
import io.pv2hvm.core.MigrationResult;
import io.pv2hvm.core.MigrationSpec;
import io.pv2hvm.core.journal.InMemoryJournal;

import java.util.List;
import java.util.Objects;

/**
 * A deep inventory of one PV instance: the guest blockers a migration would meet, found before it
 * starts. It snapshots the running root, inspects a volume from that snapshot on a worker
 * (read-only), and deletes its snapshot, volume and worker (also when it fails, by rollback). The
 * source is only read.
 *
 * <pre>{@code
 * GuestInspection g = GuestInspection.of("i-0abc123def4567890", AwsSteps.builder().build());
 * g.blockers().forEach(b -> System.out.println(b.code() + ": " + b.reason() + " Fix: " + b.fix()));
 * }</pre>
 *
 * @param instanceId the inspected instance
 * @param os         the guest's operating system as inspection named it
 * @param kernel     the kernel its boot menu starts by default (empty if none)
 * @param init       the guest's init ({@code systemd}, {@code upstart-mountall}, {@code upstart},
 *                   {@code sysvinit}; empty if unknown)
 * @param blockers   what would stop its conversion for the target type, each with its fix (empty: none)
 */
public record GuestInspection(String instanceId, String os, String kernel, String init, List<Blocker> blockers) {
    /** Copies the list. */
    public GuestInspection {
        Objects.requireNonNull(instanceId, "instanceId");
        blockers = List.copyOf(blockers);
    }

    /**
     * Inspects {@code instanceId}'s guest with {@code aws}'s clients, worker settings and guest
     * conversion, for the HVM type a migration would choose.
     *
     * @throws io.pv2hvm.core.PreflightException if the instance cannot be migrated at all (nothing created)
     * @throws io.pv2hvm.core.StepFailedException if a step failed (what it created was deleted)
     */
    public static GuestInspection of(String instanceId, AwsSteps aws) {
        return of(Migration.of(instanceId).toHvm(), aws);
    }

    /**
     * Inspects the guest of {@code spec}'s instance as {@code spec} would migrate it (its instance
     * type, worker and transport); {@code spec} names no provider of its own, and its journal is
     * replaced by one in memory.
     */
    public static GuestInspection of(MigrationSpec spec, AwsSteps aws) {
        String instanceId = spec.options().instanceId();
        MigrationResult r = spec.withProvider(aws.inspection()).withJournal(InMemoryJournal.create()).run();
        InspectedGuest found = r.fact(AwsFacts.GUEST_INSPECTION)
                .orElseGet(() -> new InspectedGuest("", "", "", List.of())); // a provider without the inspection step
        return new GuestInspection(instanceId, found.os(), found.kernel(), found.init(), found.blockers());
    }
}
