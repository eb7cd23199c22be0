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
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Tag("lab")
@ExtendWith(LabPrerequisites.class)
public @interface RequiresLab {
}
