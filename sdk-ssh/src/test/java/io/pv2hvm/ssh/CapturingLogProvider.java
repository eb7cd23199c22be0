package io.pv2hvm.ssh;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SLF4J binding of this module's tests (selected with {@code -Dslf4j.provider}): prints INFO
 * and above to stderr like slf4j-simple, and while {@link #capture()} is active records every
 * logger's DEBUG-and-above events, with stack traces, in memory for the log-scan test.
 */
public final class CapturingLogProvider implements SLF4JServiceProvider {
    private static final List<String> CAPTURED = new ArrayList<>();
    private static volatile boolean capturing;

    private final ILoggerFactory loggers = new Factory();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new BasicMDCAdapter();

    /** Starts recording, dropping anything recorded before. */
    public static void capture() {
        synchronized (CAPTURED) {
            CAPTURED.clear();
        }
        capturing = true;
    }

    /** Stops recording and returns what was recorded, one formatted event per element. */
    public static List<String> stop() {
        capturing = false;
        synchronized (CAPTURED) {
            return List.copyOf(CAPTURED);
        }
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
    }

    private static final class Factory implements ILoggerFactory {
        private final ConcurrentHashMap<String, Logger> byName = new ConcurrentHashMap<>();

        @Override
        public Logger getLogger(String name) {
            return byName.computeIfAbsent(name, CapturingLogger::new);
        }
    }

    private static final class CapturingLogger extends AbstractLogger {
        CapturingLogger(String name) {
            this.name = name;
        }

        @Override
        public boolean isTraceEnabled() {
            return false;
        }

        @Override
        public boolean isTraceEnabled(Marker marker) {
            return false;
        }

        @Override
        public boolean isDebugEnabled() {
            return capturing;
        }

        @Override
        public boolean isDebugEnabled(Marker marker) {
            return capturing;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isInfoEnabled(Marker marker) {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled(Marker marker) {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled(Marker marker) {
            return true;
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args,
                                                   Throwable thrown) {
            if (level == Level.TRACE || (level == Level.DEBUG && !capturing)) {
                return;
            }
            String text = "[" + Thread.currentThread().getName() + "] " + level + " " + name + " - "
                    + MessageFormatter.basicArrayFormat(pattern, args);
            if (thrown != null) {
                StringWriter sw = new StringWriter();
                thrown.printStackTrace(new PrintWriter(sw));
                text = text + System.lineSeparator() + sw;
            }
            if (capturing) {
                synchronized (CAPTURED) {
                    CAPTURED.add(text);
                }
            }
            if (level != Level.DEBUG) {
                System.err.println(text);
            }
        }
    }
}
