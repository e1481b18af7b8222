package exo.download;

import java.util.Objects;

/**
 * One file of a Hugging Face model repository at a revision (a branch, tag or commit): what a
 * caller asks for. {@code file} may lie in a folder of the repository ("Q8_0/model.gguf").
 */
public record HubFile(String repo, String file, String revision) {

    public HubFile {
        Objects.requireNonNull(repo, "repo");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(revision, "revision");
        if (!repo.matches("[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("repository '" + repo + "' is not ORG/NAME");
        }
        if (file.isBlank() || file.startsWith("/") || file.contains("\\") || (("/" + file + "/").contains("/../"))) {
            throw new IllegalArgumentException("file '" + file + "' is not a path inside a repository");
        }
        if (revision.isBlank() || revision.contains("..") || revision.startsWith("/")) {
            throw new IllegalArgumentException("revision '" + revision + "' is not a branch, tag or commit");
        }
    }

    public static HubFile main(String repo, String file) {
        return new HubFile(repo, file, "main");
    }

    /** The same file at another revision (the commit a branch pointed to, say). */
    public HubFile at(String rev) {
        return new HubFile(repo, file, rev);
    }

    /** The file's name without folders and without ".gguf". */
    public String stem() {
        String name = file.substring(file.lastIndexOf('/') + 1);
        return name.endsWith(".gguf") ? name.substring(0, name.length() - ".gguf".length()) : name;
    }

    @Override
    public String toString() {
        return repo + "/" + file + "@" + revision;
    }
}
