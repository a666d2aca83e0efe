/* Reading AWS's XML answers with expat: every leaf element's text is
 * handed to a callback with its path of local names from the root, e.g.
 * "GetSessionTokenResponse/GetSessionTokenResult/Credentials/AccessKeyId".
 * Namespaces are dropped, text is trimmed, a DOCTYPE is refused (so no
 * entity can expand), depth, text and document length are bounded. */
#ifndef PAM_AWSMFA_XML_H
#define PAM_AWSMFA_XML_H

#include <stdbool.h>
#include <stddef.h>

#define XML_MAX_DEPTH 16
#define XML_MAX_TEXT (256 * 1024)
#define XML_MAX_DOC (1024 * 1024)

/* Called for each element with text; returns false to stop (an error).
 * text is NUL-terminated and wiped after the call. */
typedef bool (*xml_text_fn)(void *ctx, const char *path, const char *text);

/* Parses a whole document; false when it is not well-formed XML, breaks a
 * bound, or the callback stopped.  err says which. */
bool xml_read(const char *doc, size_t len, xml_text_fn fn, void *ctx, char *err,
              size_t errlen);

/* Whether path ends with the given element names, e.g. "Error/Code". */
bool xml_path_ends(const char *path, const char *suffix);

#endif
