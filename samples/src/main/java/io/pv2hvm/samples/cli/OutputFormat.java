package io.pv2hvm.samples.cli;

/** The global {@code --output} option's values, as in the AWS CLI. */
enum OutputFormat {
    /** For people: tables and sentences (the default). */
    TEXT,
    /** For tools: stdout is one JSON document; a failure is one JSON document on stderr. */
    JSON
}
