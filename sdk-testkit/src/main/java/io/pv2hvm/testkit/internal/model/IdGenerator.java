package io.pv2hvm.testkit.internal.model;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

/** Resource ids shaped like EC2's: a prefix and 17 lowercase hex digits, never repeated. */
public final class IdGenerator {

    private final Random random;
    private final Set<String> issued = new HashSet<>();

    public IdGenerator(long seed) {
        this.random = new Random(seed);
    }

    public synchronized String next(String prefix) {
        while (true) {
            StringBuilder sb = new StringBuilder(prefix).append('-');
            for (int i = 0; i < 17; i++) {
                sb.append(Character.forDigit(random.nextInt(16), 16));
            }
            String id = sb.toString();
            if (issued.add(id)) {
                return id;
            }
        }
    }

    /** Hex digits without prefix, for request ids and MAC addresses. */
    public synchronized String hex(int digits) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < digits; i++) {
            sb.append(Character.forDigit(random.nextInt(16), 16));
        }
        return sb.toString();
    }

    public synchronized int nextInt(int bound) {
        return random.nextInt(bound);
    }

    /** Records an id given by a seed so a generated one never collides with it. */
    public synchronized void reserve(String id) {
        issued.add(id);
    }
}
