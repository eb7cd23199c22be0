package io.pv2hvm.testkit.junit5;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class or method that needs the guest lab: root, loop devices, QEMU and the disk
 * tools ({@link io.pv2hvm.testkit.lab.LabPrerequisites#missing()}). Without them the tests are
 * skipped, unless the system property {@code pv2hvm.lab.required} is {@code true} (CI sets it), in
 * which case they fail, naming what is missing. Tagged {@code lab}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Tag("lab")
@ExtendWith(LabExtension.class)
public @interface RequiresLab {
}
