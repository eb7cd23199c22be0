/**
 * The implementation of {@code io.pv2hvm.ssh} on Apache MINA SSHD. No compatibility promise.
 */
package io.pv2hvm.ssh.internal;
