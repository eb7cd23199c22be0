package io.pv2hvm.testkit.internal.http;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One EC2 filter: a resource matches when any of its values for {@code name} matches any
 * filter value; {@code *} and {@code ?} are wildcards
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Filtering.html).
 */
public record Filter(String name, List<String> values) {

    public boolean matches(List<String> resourceValues) {
        for (String want : values) {
            Pattern p = wildcard(want);
            for (String have : resourceValues) {
                if (have != null && p.matcher(have).matches()) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Pattern wildcard(String glob) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
