package io.pv2hvm.testkit.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Boots a disk image in QEMU (TCG, no KVM needed) under a hard time limit and reports the marker
 * line. The disk is attached with {@code snapshot=on}, so a boot never changes the image. At most
 * {@link #MAX_PARALLEL} guests run at once in this JVM; a guest still running at its limit, or when
 * the JVM exits, is killed.
 */
public final class QemuBoot {
    /** How many guests may boot at the same time (the CI machine has two cores). */
    public static final int MAX_PARALLEL = 2;
    /**
     * Default time limit of one boot: room for a marker boot while a full-userland guest of the
     * other test lane runs beside it on CI's two cores. Failed boots rarely wait for it: a panic, no
     * root device or no bootable disk end the boot as soon as the console or firmware says so.
     */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(180);

    private static final Semaphore SLOTS = new Semaphore(MAX_PARALLEL, true);
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "qemu-reaper"));
    }

    /** How the disk is presented to the guest. */
    public enum Disk {
        /** BIOS boot from an IDE disk (PIIX): the Xen HVM stand-in; the guest sees {@code /dev/sda}. */
        IDE,
        /** BIOS boot from an NVMe disk: the Nitro stand-in; the guest sees {@code /dev/nvme0n1}. */
        NVME
    }

    private final Path logDir;
    private final Duration timeout;

    private QemuBoot(Path logDir, Duration timeout) {
        this.logDir = logDir;
        this.timeout = timeout;
    }

    /** Boots writing serial and firmware logs into {@code logDir}, with the default time limit. */
    public static QemuBoot loggingTo(Path logDir) {
        return new QemuBoot(logDir, DEFAULT_TIMEOUT);
    }

    /** The same with another time limit. */
    public QemuBoot withTimeout(Duration limit) {
        return new QemuBoot(logDir, limit);
    }

    /** BIOS boot of {@code image} on {@code disk}: only boot code on the disk itself can start the guest. */
    public BootResult bios(Path image, Disk disk, String name) {
        return run(name, drive(image, disk));
    }

    /**
     * Direct kernel boot, the PV-GRUB stand-in: QEMU loads the kernel and initrd that the PV
     * menu names and passes the command line, as PV-GRUB would under Xen.
     */
    public BootResult direct(Path image, Path kernel, Path initrd, String cmdline, String name) {
        List<String> args = drive(image, Disk.IDE);
        args.addAll(List.of("-kernel", kernel.toString(), "-initrd", initrd.toString(), "-append", cmdline + " panic=1"));
        return run(name, args);
    }

    private static List<String> drive(Path image, Disk disk) {
        List<String> args = new ArrayList<>();
        if (disk == Disk.IDE) {
            args.addAll(List.of("-drive", "file=" + image + ",format=raw,if=ide,index=0,snapshot=on"));
        } else {
            args.addAll(List.of("-drive", "file=" + image + ",format=raw,if=none,id=root,snapshot=on",
                    "-device", "nvme,drive=root,serial=vol0123456789abcdef"));
        }
        return args;
    }

    private BootResult run(String name, List<String> diskArgs) {
        BootResult first = runOnce(name, diskArgs);
        if (!LabArtifacts.starvedTimer(first.serialLog())) {
            return first;
        }
        String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
        try {
            Files.move(logDir.resolve(safe + ".serial.log"), logDir.resolve(safe + ".starved.serial.log"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LabArtifacts.note(name + ": " + LabArtifacts.STARVED_TIMER_NOTE);
        return runOnce(name, diskArgs);
    }

    private BootResult runOnce(String name, List<String> diskArgs) {
        String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
        Path serial = logDir.resolve(safe + ".serial.log");
        Path firmware = logDir.resolve(safe + ".firmware.log");
        Path stdout = logDir.resolve(safe + ".qemu.log");
        List<String> argv = new ArrayList<>(List.of("qemu-system-x86_64", "-machine", "pc", "-accel", "tcg",
                "-m", "512", "-smp", "1", "-display", "none", "-vga", "none", "-monitor", "none", "-parallel", "none",
                "-no-reboot", "-serial", "file:" + serial,
                "-chardev", "file,id=seabios,path=" + firmware, "-device", "isa-debugcon,iobase=0x402,chardev=seabios"));
        argv.addAll(diskArgs);
        try {
            Files.createDirectories(logDir);
            Files.deleteIfExists(serial);
            Files.deleteIfExists(firmware);
            SLOTS.acquire();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for a QEMU slot", e);
        }
        long start = System.nanoTime();
        Process p = null;
        boolean timedOut = false;
        try {
            p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(stdout.toFile()).start();
            RUNNING.add(p);
            long deadline = start + timeout.toNanos();
            long settleUntil = Long.MAX_VALUE;
            while (!p.waitFor(250, TimeUnit.MILLISECONDS)) {
                long now = System.nanoTime();
                if (now > deadline) {
                    timedOut = true;
                    break;
                }
                if (settleUntil == Long.MAX_VALUE && finished(read(serial), read(firmware))) {
                    settleUntil = now + TimeUnit.SECONDS.toNanos(5);  // let the guest power off by itself
                }
                if (now > settleUntil) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start QEMU", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (p != null) {
                stop(p);
                RUNNING.remove(p);
            }
            SLOTS.release();
        }
        String log = read(serial);
        return new BootResult(BootMarker.find(log), log, read(firmware), timedOut, Duration.ofNanos(System.nanoTime() - start));
    }

    /** Whether the outcome is already decided: the marker printed, or an end that will not change. */
    /** Takes one of the {@link #MAX_PARALLEL} slots, waiting for one (for {@link LiveGuest}). */
    static void acquireSlot() {
        try {
            SLOTS.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for a QEMU slot", e);
        }
    }

    /** Gives a slot back. */
    static void releaseSlot() {
        SLOTS.release();
    }

    /** Kills {@code p} if the JVM exits while it runs. */
    static void track(Process p) {
        RUNNING.add(p);
    }

    /** Forgets {@code p}. */
    static void untrack(Process p) {
        RUNNING.remove(p);
    }

    private static boolean finished(String serial, String firmware) {
        return serial.matches("(?s).*" + BootMarker.PREFIX + " [^\n]*\n.*") || serial.contains("INITRAMFS-FAIL")
                || serial.contains("Kernel panic") || serial.contains("Gave up waiting for root")
                || firmware.contains("No bootable device");
    }

    private static void stop(Process p) {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(3, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
