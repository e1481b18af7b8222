package exo.tokenizer.chat.jinja;

import java.util.List;
import java.util.Map;

/**
 * A function a caller gives a template as a variable (transformers gives {@code raise_exception}
 * and {@code strftime_now}). Arguments arrive as template values (String, Long, Double,
 * Boolean, null, List, Map); it returns such a value, or throws a {@link TemplateException}.
 */
@FunctionalInterface
public interface TemplateFunction {
    Object call(List<Object> args, Map<String, Object> kwargs);
}
