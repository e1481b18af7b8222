package exo.tokenizer.chat.jinja;

import java.util.LinkedHashMap;
import java.util.Map;

/** jinja2's namespace(): the one object a template may change, by {@code {% set ns.attr = value %}}. */
final class Namespace {
    final Map<String, Object> attributes = new LinkedHashMap<>();
}
