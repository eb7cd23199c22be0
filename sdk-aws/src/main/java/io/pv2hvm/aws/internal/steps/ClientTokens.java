package io.pv2hvm.aws.internal.steps;

import io.pv2hvm.core.spi.StepContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Idempotency tokens for the calls that take one (RunInstances, CreateVolume): the same
 * migration and purpose give the same token, so a re-run after a crash gets the resource it
 * already created. EC2 allows at most 64 ASCII characters
 * (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-idempotency.html).
 */
public final class ClientTokens {
    private static final int MAX = 64;

    private ClientTokens() {
    }

    public static String of(StepContext ctx, String purpose) {
        String token = ctx.migrationId() + "-" + purpose;
        if (token.length() <= MAX) {
            return token;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return "pv2hvm-" + HexFormat.of().formatHex(digest).substring(0, MAX - 7);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
