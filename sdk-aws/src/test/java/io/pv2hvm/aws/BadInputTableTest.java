package io.pv2hvm.aws;

import io.pv2hvm.core.ConversionStrategy;
import io.pv2hvm.core.GuestIncompatibleException;
import io.pv2hvm.core.InvalidSpecException;
import io.pv2hvm.core.JournalException;
import io.pv2hvm.core.Migration;
import io.pv2hvm.core.MigrationSpec;
import io.pv2hvm.core.PreflightException;
import io.pv2hvm.core.RetryPolicy;
import io.pv2hvm.core.StepFailedException;
import io.pv2hvm.core.journal.InMemoryJournal;
import io.pv2hvm.testkit.RecordedCall;
import io.pv2hvm.testkit.SimulatedGuest;
import io.pv2hvm.testkit.world.ImageSeed;
import io.pv2hvm.testkit.world.InstanceSeed;
import io.pv2hvm.testkit.world.World;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.ec2.model.Filter;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import static io.pv2hvm.aws.EmulatedAws.SOURCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The bad-input table: each case gets a typed error whose message says what to do, and the
 * emulator's request journal proves nothing was changed (for refusals found by inspecting the
 * guest, which needs a snapshot and a worker: nothing is left and the source was never touched).
 */
class BadInputTableTest extends EmulatorTestBase {
    private static final String WORKER = "i-0bbbbbbbbbbbbbbb2";
    private static final String OTHER = "i-0ccccccccccccccc3";

    /** One row: a world, how the test sets up and calls, and what must come back. */
    record Case(String name, Supplier<World> world, Consumer<BadInputTableTest> setUp,
                Function<BadInputTableTest, MigrationSpec> spec, Class<? extends Throwable> error, String says,
                boolean guestRefusal) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        Supplier<World> web = () -> EmulatedAws.webServerWorld().build();
        Consumer<BadInputTableTest> none = t -> { };
        return List.of(
                spec("malformed instance id", t -> Migration.of("i-123").toHvm(), InvalidSpecException.class, "8 or 17"),
                spec("instance id with shell syntax", t -> Migration.of("i-0123abcd;reboot").toHvm(),
                        InvalidSpecException.class, "8 or 17"),
                spec("malformed target type", t -> t.base().withInstanceType("m5"), InvalidSpecException.class, "family.size"),
                spec("malformed worker id", t -> t.base().withWorker("worker-1"), InvalidSpecException.class,
                        "worker instance id"),
                spec("retry override for no step", t -> t.base().withRetryPolicy("convrt", RetryPolicy.none()),
                        InvalidSpecException.class, "Steps are"),
                spec("keeping the source and its IPs", t -> t.base().preservingIps().keepingSource(),
                        InvalidSpecException.class, "exclude each other"),
                spec("resume of an unknown migration", t -> Migration.resume("mig-nope", InMemoryJournal.create()),
                        JournalException.class, "No journal"),
                preflight("unknown instance", web, none, t -> t.migrationOf("i-0fffffffffffffff0"), "INSTANCE_NOT_FOUND"),
                preflight("already HVM", () -> World.builder().defaultNetwork()
                        .instance(InstanceSeed.of(OTHER, World.AMAZON_LINUX_HVM_IMAGE).instanceType("t3.micro")).build(),
                        none, t -> t.migrationOf(OTHER), "ALREADY_HVM"),
                preflight("terminated source", web, t -> {
                    t.ec2.terminateInstances(b -> b.instanceIds(SOURCE));
                    t.emulator.journal().clear();
                }, t -> t.base(), "SOURCE_STATE"),
                preflight("instance-store root", () -> EmulatedAws.world(EmulatedAws.webServer().instanceStoreRoot(),
                        EmulatedAws.pvImage()).build(), none, t -> t.base(), "INSTANCE_STORE_ROOT"),
                preflight("32-bit guest", () -> EmulatedAws.world(EmulatedAws.webServer(),
                        EmulatedAws.pvImage().architecture("i386")).build(), none, t -> t.base(), "ARCHITECTURE_I386"),
                preflight("instance-store data not accepted", () -> EmulatedAws.world(EmulatedAws.webServer()
                        .instanceStore("/dev/sdb"), EmulatedAws.pvImage().instanceStore("/dev/sdb")).build(), none,
                        t -> t.base(), "INSTANCE_STORE_DATA"),
                preflight("termination protection with preservingIps", () -> EmulatedAws.world(EmulatedAws.webServer()
                        .disableApiTermination(true), EmulatedAws.pvImage()).build(), none,
                        t -> t.base().preservingIps(), "TERMINATION_PROTECTION"),
                preflight("unknown target type", web, none, t -> t.base().withInstanceType("zz9.huge"),
                        "UNKNOWN_INSTANCE_TYPE"),
                preflight("worker in another zone", () -> EmulatedAws.webServerWorld()
                        .instance(InstanceSeed.of(WORKER, EmulatedAws.UBUNTU_IMAGE).instanceType("t3.small")
                                .subnet(World.SUBNET_B)).build(), none, t -> t.base().withWorker(WORKER),
                        "WORKER_OTHER_AZ"),
                preflight("worker that does not exist", web, none, t -> t.base().withWorker(WORKER), "WORKER_NOT_FOUND"),
                preflight("worker that is stopped", () -> EmulatedAws.webServerWorld()
                        .instance(InstanceSeed.of(WORKER, EmulatedAws.UBUNTU_IMAGE).instanceType("t3.small").stopped())
                        .build(), none, t -> t.base().withWorker(WORKER), "WORKER_NOT_RUNNING"),
                preflight("Marketplace root with the user's own worker", () -> EmulatedAws.world(
                        InstanceSeed.of(OTHER, "ami-0c0ffee0c0ffee00c").instanceType("m3.medium"),
                        ImageSeed.pv("ami-0c0ffee0c0ffee00c", "mp").kernelId(EmulatedAws.PV_GRUB_KERNEL)
                                .marketplaceCode("aw0evgkw8e5c1q413zgy5pjce"))
                        .instance(InstanceSeed.of(WORKER, EmulatedAws.UBUNTU_IMAGE).instanceType("t3.small")).build(),
                        none, t -> t.migrationOf(OTHER).withWorker(WORKER), "PRODUCT_CODE_WORKER"),
                preflight("missing IAM permission", web, t -> t.emulator.faults().failNext("CreateSnapshot", 1,
                        "UnauthorizedOperation", "You are not authorized to perform this operation."),
                        t -> t.base(), "MISSING_PERMISSION"),
                guest("PV-only kernel", SimulatedGuest.typical().withPvOnlyKernel(), t -> t.base(), "kernel"),
                guest("XFS converted IN_PLACE", SimulatedGuest.typical().onFilesystem("xfs"),
                        t -> t.base().withStrategy(ConversionStrategy.IN_PLACE), "XFS"),
                guest("Nitro target without the ena driver", SimulatedGuest.typical().withDrivers("xen_blkfront",
                        "ata_piix", "nvme"), t -> t.base().withInstanceType("m5.large"), "ena"));
    }

    private SimulatedGuest guest = SimulatedGuest.typical();

    private MigrationSpec base() {
        return migrationOf(SOURCE);
    }

    private MigrationSpec migrationOf(String id) {
        return migration(id, guest, new EmulatedAws.FakeWorker());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInput_getsATypedErrorThatSaysWhatToDo_andChangesNothing(Case c) {
        start(c.world().get());
        c.setUp().accept(this);

        Throwable error = catchThrowable(() -> c.spec().apply(this).run());

        Throwable typed = c.guestRefusal() ? error.getCause() : error;
        if (c.guestRefusal()) {
            assertThat(error).isInstanceOf(StepFailedException.class);
        }
        assertThat(typed).isInstanceOf(c.error()).hasMessageContaining(c.says());
        if (c.guestRefusal()) {
            assertThat(guest.conversions()).as("no conversion ran").isZero();
            assertThat(emulator.journal().calls("StopInstances")).allSatisfy(s -> assertThat(s.param("DryRun")).isEqualTo("true"));
            assertThat(ec2.describeInstances(b -> b.filters(Filter.builder().name("tag-key").values(Tags.ROLE).build()))
                    .reservations().stream().flatMap(r -> r.instances().stream())
                    .filter(i -> !"terminated".equals(i.state().nameAsString()))).isEmpty();
            assertThat(ec2.describeVolumes(b -> b.filters(Filter.builder().name("tag-key").values(Tags.ROLE).build()))
                    .volumes()).filteredOn(v -> !"deleting".equals(v.stateAsString())).isEmpty();
        } else {
            assertThat(emulator.journal().mutatingCalls()).filteredOn(RecordedCall::succeeded)
                    .as("successful mutating calls").isEmpty();
        }
        REFUSED.incrementAndGet();
    }

    private static final java.util.concurrent.atomic.AtomicInteger REFUSED = new java.util.concurrent.atomic.AtomicInteger();

    @org.junit.jupiter.api.AfterAll
    static void writeTally() throws java.io.IOException {
        java.nio.file.Path out = java.nio.file.Path.of("target", "reliability", "bad-input.txt");
        java.nio.file.Files.createDirectories(out.getParent());
        java.nio.file.Files.writeString(out, "cases=" + cases().size() + " refused-with-typed-error-and-no-change="
                + REFUSED + "\n");
    }

    private static Case spec(String name, Function<BadInputTableTest, MigrationSpec> spec,
                             Class<? extends Throwable> error, String says) {
        return new Case(name, () -> EmulatedAws.webServerWorld().build(), t -> { }, spec, error, says, false);
    }

    private static Case preflight(String name, Supplier<World> world, Consumer<BadInputTableTest> setUp,
                                  Function<BadInputTableTest, MigrationSpec> spec, String code) {
        return new Case(name, world, setUp, spec, PreflightException.class, code, false);
    }

    private static Case guest(String name, SimulatedGuest guest, Function<BadInputTableTest, MigrationSpec> spec,
                              String says) {
        return new Case(name, () -> EmulatedAws.webServerWorld().build(), t -> t.guest = guest, spec,
                GuestIncompatibleException.class, says, true);
    }
}
