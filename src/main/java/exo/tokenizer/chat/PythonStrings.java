package exo.tokenizer.chat;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Python's str in Jinjava: templates are written against jinja2, where a string has Python's
 * methods ({@code startswith}, {@code upper}, {@code split()}, ...) and takes an index, also a
 * negative one ({@code s[0]}, {@code s[-1]}). Jinjava sees a Java String, so these resolve here
 * first; everything else goes on to Jinjava's own resolver.
 */
final class PythonStrings extends ELResolver {

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (!(base instanceof String s) || method == null) {
            return null;
        }
        Object[] a = params == null ? new Object[0] : params;
        Object result = call(s, method.toString(), a);
        if (result != NOT_A_METHOD) {
            context.setPropertyResolved(true);
            return result;
        }
        return null;
    }

    private static final Object NOT_A_METHOD = new Object();

    private static Object call(String s, String name, Object[] a) {
        return switch (name + "/" + a.length) {
            case "startswith/1" -> a[0] instanceof List<?> l ? l.stream().anyMatch(p -> s.startsWith(str(p)))
                    : s.startsWith(str(a[0]));
            case "endswith/1" -> a[0] instanceof List<?> l ? l.stream().anyMatch(p -> s.endsWith(str(p)))
                    : s.endsWith(str(a[0]));
            case "upper/0" -> s.toUpperCase(Locale.ROOT);
            case "lower/0" -> s.toLowerCase(Locale.ROOT);
            case "title/0" -> title(s);
            case "capitalize/0" -> s.isEmpty() ? s
                    : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
            case "strip/0" -> s.strip();
            case "lstrip/0" -> s.stripLeading();
            case "rstrip/0" -> s.stripTrailing();
            case "strip/1" -> stripChars(stripChars(s, str(a[0]), true), str(a[0]), false);
            case "lstrip/1" -> stripChars(s, str(a[0]), true);
            case "rstrip/1" -> stripChars(s, str(a[0]), false);
            case "split/0" -> s.isBlank() ? List.of() : List.of(s.strip().split("\\s+"));
            case "split/1" -> split(s, str(a[0]), -1);
            case "split/2" -> split(s, str(a[0]), ((Number) a[1]).intValue());
            case "replace/2" -> s.replace(str(a[0]), str(a[1]));
            case "find/1" -> (long) s.indexOf(str(a[0]));
            case "count/1" -> (long) count(s, str(a[0]));
            case "isdigit/0" -> !s.isEmpty() && s.chars().allMatch(Character::isDigit);
            case "isalpha/0" -> !s.isEmpty() && s.chars().allMatch(Character::isLetter);
            case "isspace/0" -> !s.isEmpty() && s.chars().allMatch(Character::isWhitespace);
            default -> NOT_A_METHOD;
        };
    }

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        // Jinjava hands an integer index over as its decimal text by the time it gets here.
        Integer index = property instanceof Number n ? Integer.valueOf(n.intValue())
                : property instanceof String p && p.matches("-?\\d{1,9}") ? Integer.valueOf(p) : null;
        if (base instanceof String s && index != null) {
            int i = index;
            int at = i < 0 ? s.length() + i : i;
            if (at >= 0 && at < s.length()) {
                context.setPropertyResolved(true);
                return String.valueOf(s.charAt(at));
            }
        }
        return null;
    }

    private static String str(Object o) {
        return String.valueOf(o);
    }

    /** Python's str.title: a letter after a non-letter is upper case, any other letter lower. */
    private static String title(String s) {
        StringBuilder b = new StringBuilder(s.length());
        boolean previousLetter = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(previousLetter ? Character.toLowerCase(c) : Character.toUpperCase(c));
            previousLetter = Character.isLetter(c);
        }
        return b.toString();
    }

    private static String stripChars(String s, String chars, boolean leading) {
        int from = 0;
        int to = s.length();
        if (leading) {
            while (from < to && chars.indexOf(s.charAt(from)) >= 0) {
                from++;
            }
        } else {
            while (to > from && chars.indexOf(s.charAt(to - 1)) >= 0) {
                to--;
            }
        }
        return s.substring(from, to);
    }

    /** Python's str.split(sep, maxsplit): a literal separator, not a regex. */
    private static List<String> split(String s, String sep, int maxSplit) {
        if (sep.isEmpty()) {
            throw new IllegalArgumentException("empty separator");
        }
        List<String> out = new ArrayList<>();
        int from = 0;
        int at;
        while ((maxSplit < 0 || out.size() < maxSplit) && (at = s.indexOf(sep, from)) >= 0) {
            out.add(s.substring(from, at));
            from = at + sep.length();
        }
        out.add(s.substring(from));
        return out;
    }

    private static int count(String s, String part) {
        if (part.isEmpty()) {
            return s.length() + 1;
        }
        int n = 0;
        for (int at = s.indexOf(part); at >= 0; at = s.indexOf(part, at + part.length())) {
            n++;
        }
        return n;
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return true;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return base instanceof String ? Object.class : null;
    }
}
