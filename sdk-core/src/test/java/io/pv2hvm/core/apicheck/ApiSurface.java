package io.pv2hvm.core.apicheck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds public API signatures that expose types they must not: {@code internal} packages always,
 * and any type outside an allow-list (so a third-party library cannot leak into the API unseen).
 * Also finds compiled code that uses another module's {@code internal} package. Each module's
 * test runs both over its own compiled classes.
 */
public final class ApiSurface {
    /**
     * A class name in an {@code io.pv2hvm} internal package, as the constant pool holds it (binary
     * name with slashes); group 1 is the module's segment ({@code core}, {@code aws}, ...).
     */
    private static final Pattern INTERNAL_CLASS =
            Pattern.compile("io/pv2hvm/([a-z0-9]+)/(?:[a-z0-9_]+/)*internal/(?:[a-z0-9_]+/)*[A-Za-z0-9_$]+");

    private final Predicate<String> allowedPackage;

    private ApiSurface(Predicate<String> allowedPackage) {
        this.allowedPackage = allowedPackage;
    }

    /** A check that allows {@code java.*}, non-internal {@code io.pv2hvm} packages, and {@code extra} prefixes. */
    public static ApiSurface allowing(String... extraPackagePrefixes) {
        return new ApiSurface(pkg -> {
            if (isInternal(pkg)) {
                return false;
            }
            if (pkg.startsWith("java.") || pkg.startsWith("io.pv2hvm")) {
                return true;
            }
            for (String p : extraPackagePrefixes) {
                if (pkg.startsWith(p)) {
                    return true;
                }
            }
            return false;
        });
    }

    /**
     * The public types of non-{@code internal} packages compiled into {@code classesDir}, nested
     * ones included: what {@link #violationsIn} checks.
     */
    public List<String> publicTypesIn(Path classesDir) {
        List<String> names = new ArrayList<>();
        for (Class<?> type : classesIn(classesDir)) {
            if (!isInternal(type.getPackageName()) && isVisible(type.getModifiers()) && !isHiddenNested(type)) {
                names.add(type.getName());
            }
        }
        return names;
    }

    /** The violations among the public types compiled into {@code classesDir}, one line each. */
    public List<String> violationsIn(Path classesDir) {
        List<String> violations = new ArrayList<>();
        for (Class<?> type : classesIn(classesDir)) {
            if (isInternal(type.getPackageName()) || !isVisible(type.getModifiers()) || isHiddenNested(type)) {
                continue;
            }
            check(type, "extends", type.getGenericSuperclass(), violations);
            for (Type t : type.getGenericInterfaces()) {
                check(type, "implements", t, violations);
            }
            for (Field f : type.getDeclaredFields()) {
                if (visible(f)) {
                    check(type, "field " + f.getName(), f.getGenericType(), violations);
                }
            }
            for (Constructor<?> c : type.getDeclaredConstructors()) {
                if (visible(c)) {
                    for (Type p : c.getGenericParameterTypes()) {
                        check(type, "constructor parameter", p, violations);
                    }
                }
            }
            for (Method m : type.getDeclaredMethods()) {
                if (visible(m) && !m.isSynthetic() && !m.isBridge()) {
                    check(type, m.getName() + "() returns", m.getGenericReturnType(), violations);
                    for (Type p : m.getGenericParameterTypes()) {
                        check(type, m.getName() + "() parameter", p, violations);
                    }
                    for (Type e : m.getGenericExceptionTypes()) {
                        check(type, m.getName() + "() throws", e, violations);
                    }
                }
            }
        }
        return violations;
    }

    /**
     * The uses of another module's {@code internal} classes by the classes compiled into
     * {@code classesDir}, one line each ({@code io.pv2hvm.aws.internal.AwsRuntime uses
     * io.pv2hvm.core.internal.Json}), sorted. {@code ownSegment} is the module's package segment
     * after {@code io.pv2hvm} ({@code aws} for sdk-aws): its own internals are its business.
     *
     * <p>Reads the bytes, not the classes: class names in descriptors and class references sit in
     * the constant pool as plain ASCII, so no class is loaded and no bytecode library is needed.
     */
    public static List<String> crossModuleInternalUse(Path classesDir, String ownSegment) {
        Set<String> uses = new TreeSet<>();
        try (Stream<Path> files = Files.walk(classesDir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String user = classesDir.relativize(f).toString().replace('/', '.').replaceAll("(\\$.*)?\\.class$", "");
                // ISO-8859-1 maps every byte to one char, so the ASCII names come through intact.
                Matcher m = INTERNAL_CLASS.matcher(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
                while (m.find()) {
                    if (!m.group(1).equals(ownSegment)) {
                        uses.add(user + " uses " + m.group().replace('/', '.'));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ArrayList<>(uses);
    }

    private void check(Class<?> owner, String where, Type type, List<String> violations) {
        if (type == null) {
            return;
        }
        for (Class<?> raw : rawTypes(type, new HashSet<>())) {
            Class<?> c = raw;
            while (c.isArray()) {
                c = c.getComponentType();
            }
            if (c.isPrimitive()) {
                continue;
            }
            if (!allowedPackage.test(c.getPackageName())) {
                violations.add(owner.getName() + " " + where + " " + c.getName());
            }
        }
    }

    private static List<Class<?>> rawTypes(Type type, Set<Type> seen) {
        List<Class<?>> out = new ArrayList<>();
        if (!seen.add(type)) {
            return out;
        }
        if (type instanceof Class<?> c) {
            out.add(c);
        } else if (type instanceof ParameterizedType p) {
            out.addAll(rawTypes(p.getRawType(), seen));
            for (Type a : p.getActualTypeArguments()) {
                out.addAll(rawTypes(a, seen));
            }
        } else if (type instanceof WildcardType w) {
            for (Type b : w.getUpperBounds()) {
                out.addAll(rawTypes(b, seen));
            }
            for (Type b : w.getLowerBounds()) {
                out.addAll(rawTypes(b, seen));
            }
        } else if (type instanceof TypeVariable<?> v) {
            for (Type b : v.getBounds()) {
                out.addAll(rawTypes(b, seen));
            }
        } else if (type instanceof GenericArrayType a) {
            out.addAll(rawTypes(a.getGenericComponentType(), seen));
        }
        return out;
    }

    private static List<Class<?>> classesIn(Path dir) {
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String name = dir.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
                if (name.endsWith("package-info") || name.endsWith("module-info")) {
                    continue;
                }
                classes.add(Class.forName(name, false, ApiSurface.class.getClassLoader()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        return classes;
    }

    private static boolean isInternal(String pkg) {
        return pkg.contains(".internal");
    }

    private static boolean isVisible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static boolean visible(Member m) {
        return isVisible(m.getModifiers());
    }

    private static boolean isHiddenNested(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
            if (!isVisible(c.getModifiers()) || c.isAnonymousClass() || c.isLocalClass()) {
                return true;
            }
        }
        return false;
    }
}
