package io.pv2hvm.aws;

import io.pv2hvm.aws.internal.AwsFacts;
import io.pv2hvm.aws.internal.FactKeys;
import io.pv2hvm.core.spi.FactKey;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The typed keys keep the names journals already hold, so a run journaled with the string keys resumes. */
class AwsFactsTest {

    @Test
    void everyTypedKey_hasTheNameOfItsStringTwin() throws IllegalAccessException {
        List<String> mismatched = new ArrayList<>();
        int compared = 0;
        for (Field typed : AwsFacts.class.getFields()) {
            if (!Modifier.isStatic(typed.getModifiers()) || !(typed.get(null) instanceof FactKey<?> key)) {
                continue;
            }
            try {
                Object twin = FactKeys.class.getField(typed.getName()).get(null);
                compared++;
                if (!key.name().equals(twin)) {
                    mismatched.add(typed.getName() + ": " + key.name() + " vs " + twin);
                }
            } catch (NoSuchFieldException e) {
                mismatched.add(typed.getName() + ": no string twin");
            }
        }
        assertThat(mismatched).isEmpty();
        assertThat(compared).isGreaterThan(25);
        assertThat(AwsFacts.VOLUME.of("scratch").name()).isEqualTo(FactKeys.volume("scratch"));
        assertThat(AwsFacts.DATA_SNAPSHOT.of("vol-1").name()).isEqualTo(FactKeys.dataSnapshot("vol-1"));
        assertThat(AwsFacts.DATA_FILESYSTEMS.of("vol-1").name()).isEqualTo(FactKeys.dataFilesystems("vol-1"));
        assertThat(AwsFacts.SNAPSHOT.of("final").name()).isEqualTo(FactKeys.snapshot("final"));
    }
}
