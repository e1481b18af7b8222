package exo.tokenizer.chat.jinja;

import java.util.List;
import java.util.Map;

/** Anything a template can call: a builtin, a bound method of a value, a macro. */
interface PyCallable {
    Object call(Renderer renderer, List<Object> args, Map<String, Object> kwargs);

    /** Python's type name, for error messages. */
    default String typeName() {
        return "builtin_function_or_method";
    }

    /** A callable from a lambda, with Python's type name for it. */
    static PyCallable of(String typeName, PyCallable body) {
        return new PyCallable() {
            @Override
            public Object call(Renderer renderer, List<Object> args, Map<String, Object> kwargs) {
                return body.call(renderer, args, kwargs);
            }

            @Override
            public String typeName() {
                return typeName;
            }
        };
    }
}
