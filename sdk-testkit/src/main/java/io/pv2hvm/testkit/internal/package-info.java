/**
 * Implementation of the emulator: HTTP dispatch ({@code http}), the stateful model
 * ({@code model}), EC2 actions ({@code ec2}), SSM ({@code ssm}), time ({@code time}), disk
 * images ({@code disk}) and XML writing ({@code xml}). No compatibility promise.
 */
package io.pv2hvm.testkit.internal;
