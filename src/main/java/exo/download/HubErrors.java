package exo.download;

/**
 * The messages for a hub's refusals. Each says what is wrong and what to do, in one line, as
 * the CLI prints it. The hub's {@code X-Error-Code} header tells a missing repository from a
 * missing revision or file.
 */
final class HubErrors {
    private HubErrors() {
    }

    static HubException forStatus(int status, String errorCode, HubFile f, HfSettings s) {
        return switch (status) {
            case 401, 403 -> unauthorized(status, errorCode, f, s);
            case 404 -> notFound(errorCode, f, s);
            default -> new HubException(HubException.Reason.HTTP,
                    "HTTP " + status + " from " + s.endpoint() + " for " + f.file() + " in " + f.repo());
        };
    }

    private static HubException unauthorized(int status, String errorCode, HubFile f, HfSettings s) {
        String page = s.endpoint() + "/" + f.repo();
        String how = "accept its terms at " + page + " if it is gated, create a token at " + s.endpoint()
                + "/settings/tokens, and give it as HF_TOKEN=hf_... or in the file $HF_HOME/token";
        if (s.token().isPresent()) {
            return new HubException(HubException.Reason.UNAUTHORIZED, f.repo() + " refused the token from "
                    + s.tokenSource() + " (HTTP " + status + "): the model is private or gated and this token has no "
                    + "access to it; " + how);
        }
        String what = errorCode.equals("RepoNotFound")
                ? f.repo() + " was not found, or it is a private or gated model that needs a Hugging Face token"
                : f.repo() + " needs a Hugging Face token (HTTP " + status + ": a private or gated model)";
        return new HubException(HubException.Reason.UNAUTHORIZED, what + "; " + how);
    }

    private static HubException notFound(String errorCode, HubFile f, HfSettings s) {
        String what = switch (errorCode) {
            case "RepoNotFound" -> "repository " + f.repo() + " was not found at " + s.endpoint();
            case "RevisionNotFound" -> "revision " + f.revision() + " was not found in " + f.repo();
            default -> f.file() + " was not found in " + f.repo() + " at revision " + f.revision();
        };
        return new HubException(HubException.Reason.NOT_FOUND, what + " (HTTP 404)");
    }
}
