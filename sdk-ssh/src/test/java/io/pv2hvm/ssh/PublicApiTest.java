package io.pv2hvm.ssh;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Guards the public API: no MINA or pv2hvm-internal type appears in a public signature. */
class PublicApiTest {

    @Test
    void publicSignatures_ofTheApiPackage_exposeNoInternalOrMinaTypes() throws Exception {
        List<Class<?>> api = apiClasses();
        assertThat(api).contains(SshTransport.class, SshTransport.Builder.class, HostKeyPolicy.class, SshKey.class,
                JumpHost.class);
        List<String> leaks = new ArrayList<>();
        for (Class<?> type : api) {
            for (Method m : type.getDeclaredMethods()) {
                if (Modifier.isPublic(m.getModifiers())) {
                    check(type, m, m.getGenericReturnType(), leaks);
                    checkParameters(type, m, leaks);
                }
            }
            for (Constructor<?> c : type.getDeclaredConstructors()) {
                if (Modifier.isPublic(c.getModifiers())) {
                    checkParameters(type, c, leaks);
                }
            }
            for (Field f : type.getDeclaredFields()) {
                if (Modifier.isPublic(f.getModifiers())) {
                    check(type, f, f.getGenericType(), leaks);
                }
            }
        }
        assertThat(leaks).isEmpty();
    }

    private static void checkParameters(Class<?> type, Executable e, List<String> leaks) {
        for (Type p : e.getGenericParameterTypes()) {
            check(type, e, p, leaks);
        }
        for (Type x : e.getGenericExceptionTypes()) {
            check(type, e, x, leaks);
        }
    }

    private static void check(Class<?> owner, Object member, Type t, List<String> leaks) {
        String name = t.getTypeName();
        if (name.contains("org.apache.sshd") || name.contains("io.pv2hvm.ssh.internal")) {
            leaks.add(owner.getSimpleName() + ": " + member + " uses " + name);
        }
    }

    private static List<Class<?>> apiClasses() throws URISyntaxException, Exception {
        Path root = Path.of(SshTransport.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path pkg = root.resolve("io/pv2hvm/ssh");
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.list(pkg)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String simple = f.getFileName().toString().replace(".class", "");
                Class<?> c = Class.forName("io.pv2hvm.ssh." + simple);
                if (Modifier.isPublic(c.getModifiers())) {
                    classes.add(c);
                }
            }
        }
        return classes;
    }
}
