package exo.tokenizer.chat.jinja;

import java.util.List;

/** What the groupby filter yields: a (grouper, list) tuple with those two attributes. */
final class GroupTuple extends PyTuple {
    GroupTuple(Object grouper, List<Object> list) {
        super(grouper, list);
    }
}
