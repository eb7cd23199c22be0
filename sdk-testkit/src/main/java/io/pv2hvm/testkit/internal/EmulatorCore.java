package io.pv2hvm.testkit.internal;

import io.pv2hvm.testkit.LatencyModel;
import io.pv2hvm.testkit.ThrottlingPolicy;
import io.pv2hvm.testkit.internal.ec2.Ec2Service;
import io.pv2hvm.testkit.internal.model.Ec2Model;
import io.pv2hvm.testkit.internal.model.WorldSeeder;
import io.pv2hvm.testkit.internal.ssm.SsmService;
import io.pv2hvm.testkit.internal.sts.Principals;
import io.pv2hvm.testkit.internal.sts.SsoPortal;
import io.pv2hvm.testkit.internal.sts.StsService;
import io.pv2hvm.testkit.spi.BootHook;
import io.pv2hvm.testkit.spi.SsmCommandExecutor;
import io.pv2hvm.testkit.world.World;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/** One emulated region: the model seeded from a world, the services answering over it, and who may call them. */
public final class EmulatorCore {

    public final Ec2Model model;
    public final Ec2Service ec2;
    public final SsmService ssm;
    public final Principals principals;
    public final StsService sts;
    public final SsoPortal sso;

    public EmulatorCore(World world, Clock clock, LatencyModel latency, ThrottlingPolicy throttling, Duration consistencyWindow,
                        long seed, BootHook bootHook, SsmCommandExecutor executor, ExecutorService background, Path diskDirectory,
                        Principals principals, java.util.Set<String> ssoTokens) {
        this.model = new Ec2Model(clock, latency, consistencyWindow, seed, bootHook, background, diskDirectory);
        model.locked(() -> WorldSeeder.seed(model, world));
        this.ec2 = new Ec2Service(model, throttling);
        this.ssm = new SsmService(model, background, executor);
        this.principals = principals;
        this.sts = new StsService(principals, clock);
        this.sso = new SsoPortal(principals, ssoTokens);
        ssm.throttling(throttling);
    }

    /** The disk image behind a volume or snapshot, if it is file-backed. */
    /** The next {@code times} RegisterImage calls whose name starts with {@code namePrefix} end {@code failed}. */
    public void failImageRegistrations(String namePrefix, int times) {
        model.locked(() -> model.failImageRegistrations(namePrefix, times));
    }

    /** Records that {@code bytes} were written to a volume: its next snapshot copies them. */
    public void recordWrite(String volumeId, long bytes) {
        model.locked(() -> model.volume(volumeId).written(bytes));
    }

    public Optional<Path> diskImage(String id) {
        return model.locked(() -> {
            model.advance();
            // Ids name their kind (vol-, snap-), so at most one of the two finds answers.
            return model.findVolume(id).map(v -> v.diskImage())
                    .or(() -> model.findSnapshot(id).map(s -> s.diskImage()));
        });
    }

    public Optional<io.pv2hvm.testkit.world.FilesystemSeed> filesystem(String id) {
        return model.locked(() -> {
            model.advance();
            // Ids name their kind (vol-, snap-), so at most one of the two finds answers.
            return model.findVolume(id).map(v -> v.filesystem())
                    .or(() -> model.findSnapshot(id).map(s -> s.filesystem()));
        });
    }
}
