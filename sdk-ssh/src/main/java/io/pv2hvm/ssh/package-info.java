/**
 * Runs pv2hvm's worker commands over SSH: {@link io.pv2hvm.ssh.SshTransport} (a
 * {@code CommandTransport} on Apache MINA SSHD), {@link io.pv2hvm.ssh.HostKeyPolicy},
 * {@link io.pv2hvm.ssh.SshKey}, {@link io.pv2hvm.ssh.JumpHost} and
 * {@link io.pv2hvm.ssh.PassphrasePrompt}. No MINA type appears in
 * this package's public signatures.
 */
package io.pv2hvm.ssh;
