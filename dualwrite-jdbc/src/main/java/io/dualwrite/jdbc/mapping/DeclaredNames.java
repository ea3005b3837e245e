package io.dualwrite.jdbc.mapping;

import io.dualwrite.mapping.TableMapping;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The old-side names a {@link TableMapping} declares for renames and value transformers, which its public
 * accessors answer per name but do not list.
 *
 * <p>Until {@code TableMapping} lists them itself, they are read from its {@code toString()}
 * ({@code …, renames={old=new, …}, dropped=[…], added=[…], transformed=[old, …]]}), and every name read is
 * confirmed through the public accessors ({@code newColumn}, {@code transforms}) before it is used, so a
 * format that changes yields fewer names, never wrong ones. A test pins the format.
 */
final class DeclaredNames {

    private static final Pattern SHAPE = Pattern.compile(
            ", renames=\\{(.*)}, dropped=\\[.*], added=\\[.*], transformed=\\[(.*)]]$", Pattern.DOTALL);

    private DeclaredNames() {
    }

    /** The renames the mapping declares, old name (as the mapping spells it) to new name, in declaration order. */
    static Map<String, String> renames(TableMapping mapping) {
        Map<String, String> renames = new LinkedHashMap<>();
        parts(mapping).ifPresent(parts -> {
            for (String entry : split(parts.group(1))) {
                int equals = entry.indexOf('=');
                if (equals <= 0) {
                    continue;
                }
                String oldName = entry.substring(0, equals);
                String newName = entry.substring(equals + 1);
                if (mapping.newColumn(oldName).filter(newName::equals).isPresent()) {
                    // the mapping keeps the builder's spelling of the old name for the way back
                    String spelt = mapping.oldColumn(newName).filter(oldName::equalsIgnoreCase).orElse(oldName);
                    renames.put(spelt, newName);
                }
            }
        });
        return renames;
    }

    /** The old columns the mapping declares value transformers for, lower-case, in declaration order. */
    static Set<String> transformed(TableMapping mapping) {
        Set<String> transformed = new LinkedHashSet<>();
        parts(mapping).ifPresent(parts -> {
            for (String name : split(parts.group(2))) {
                if (mapping.transforms(name)) {
                    transformed.add(name);
                }
            }
        });
        return transformed;
    }

    private static Optional<Matcher> parts(TableMapping mapping) {
        Matcher matcher = SHAPE.matcher(mapping.toString());
        return matcher.find() ? Optional.of(matcher) : Optional.empty();
    }

    private static String[] split(String list) {
        return list.isEmpty() ? new String[0] : list.split(", ");
    }
}
