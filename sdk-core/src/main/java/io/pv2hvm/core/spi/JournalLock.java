package io.pv2hvm.core.spi;

/**
 * Exclusive hold on one migration's journal, from {@link Journal#lock(String)} until {@link #close()}.
 * While a process holds it, no other process (or thread) can run, resume or roll back that migration.
 */
public interface JournalLock extends AutoCloseable {

    /** Releases the hold; closing twice does nothing. */
    @Override
    void close();
}
