package io.pv2hvm.testkit.lab;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Only the lab's own machine faults are retried; a guest that genuinely fails to boot is not. */
class LabArtifactsTest {
    @Test
    void hungTaskAndStarvedTimer_areLabArtifacts() {
        assertThat(LabArtifacts.find("[  363.7] INFO: task mount:749 blocked for more than 120 seconds.\n", 0))
                .isEqualTo(LabArtifacts.HUNG_IO_NOTE);
        assertThat(LabArtifacts.find("Kernel panic - not syncing: IO-APIC + timer doesn't work!  Boot with apic=debug", 0))
                .isEqualTo(LabArtifacts.STARVED_TIMER_NOTE);
    }

    @Test
    void aGuestThatCannotMountItsRoot_isNotALabArtifact() {
        String console = "VFS: Cannot open root device \"xvda1\"\nKernel panic - not syncing: VFS: Unable to mount root fs\n"
                + "Gave up waiting for root file system device.\n";
        assertThat(LabArtifacts.find(console, 0)).isNull();
        assertThat(LabArtifacts.starvedTimer(console)).isFalse();
    }

    @Test
    void anArtifactOfAnEarlierBoot_isNotCountedAgain() {
        String console = "INFO: task mount:749 blocked for more than 120 seconds.\n[lab] power-cycling once\nbooting again\n";
        assertThat(LabArtifacts.find(console, console.indexOf("[lab]"))).isNull();
    }
}
