package exo.models;

import exo.InvalidInputException;
import java.util.List;

/** A model id that is not in the registry, with the ids that look closest. */
public final class UnknownModelException extends InvalidInputException {
    private final List<String> suggestions;

    public UnknownModelException(String id, List<String> suggestions) {
        super("unknown model '" + id + "'" + (suggestions.isEmpty() ? "" : "; did you mean " + String.join(", ", suggestions) + "?")
                + " (exo models lists them all)");
        this.suggestions = List.copyOf(suggestions);
    }

    public List<String> suggestions() {
        return suggestions;
    }
}
