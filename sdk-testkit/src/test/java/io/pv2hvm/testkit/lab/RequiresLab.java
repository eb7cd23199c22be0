package io.pv2hvm.testkit.lab;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test class that needs the guest lab: root, loop devices, QEMU and the disk tools.
 * Without them the tests are skipped, unless the system property {@code pv2hvm.lab.required} is
 * {@code true} (CI sets it), in which case they fail, naming what is missing.
 *
 * <p>A test-source twin of {@code io.pv2hvm.testkit.junit5.RequiresLab}: the testkit's own lab
 * tests cannot depend on sdk-testkit-junit5 (it depends on the testkit: a reactor cycle).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Tag("lab")
@ExtendWith(LabExtension.class)
public @interface RequiresLab {
}
