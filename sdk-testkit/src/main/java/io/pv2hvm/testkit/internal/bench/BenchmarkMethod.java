package io.pv2hvm.testkit.internal.bench;

/** What the conversion benchmark runs on each image. */
enum BenchmarkMethod {
    IN_PLACE("IN_PLACE (extlinux)"),
    PARTITION_COPY_SAME_SIZE("PARTITION_COPY, same-size target"),
    PARTITION_COPY_LARGER("PARTITION_COPY, target +1 GiB"),
    SEEDS_RECIPE("seeds' recipe (resize2fs -M + dd + grow)");

    private final String label;

    BenchmarkMethod(String label) {
        this.label = label;
    }

    /** How the table names it. */
    String label() {
        return label;
    }
}
