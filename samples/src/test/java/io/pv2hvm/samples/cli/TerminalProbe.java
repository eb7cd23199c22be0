package io.pv2hvm.samples.cli;

/** Prints what {@link Terminal} says of fds 0, 1 and 2, on stdout if it is a terminal, else on stderr. */
final class TerminalProbe {
    private TerminalProbe() {
    }

    public static void main(String[] args) {
        String line = "fd0=" + Terminal.isTerminal(0) + " fd1=" + Terminal.isTerminal(1) + " fd2="
                + Terminal.isTerminal(2) + " stderr()=" + Terminal.stderr();
        System.out.println(line);
        System.err.println(line);
    }
}
