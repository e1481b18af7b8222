package exo.grammar;

/**
 * One frame of a parse stack, shared between the stacks that grew from it: the position to
 * match next, and the frame below (where to go on when this rule's alternative ends). Equality
 * is structural, so the matcher can merge stacks that reached the same place by different ways.
 */
final class Frame {
    final int pos;
    final Frame parent;
    private final int hash;

    Frame(int pos, Frame parent) {
        this.pos = pos;
        this.parent = parent;
        this.hash = pos * 0x9E3779B1 + (parent == null ? 0 : parent.hash * 31 + 7);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Frame f)) {
            return false;
        }
        Frame a = this;
        Frame b = f;
        while (a != b) {
            if (a == null || b == null || a.hash != b.hash || a.pos != b.pos) {
                return false;
            }
            a = a.parent;
            b = b.parent;
        }
        return true;
    }
}
