/* tandem-autosave.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-model.h"

G_BEGIN_DECLS

/*
 * Drafts keep unsaved work safe: a few seconds after each edit the project is
 * written (atomically) to $XDG_DATA_HOME/tandem/drafts/<id>.tandem, with a
 * small <id>.ini recording which file it is a draft of. A draft is deleted
 * when its window is saved or closed on purpose, so the drafts that exist at
 * start-up are work a crash or power cut interrupted.
 */
typedef struct _TandemDraft TandemDraft;

TandemDraft *tandem_draft_new          (void);
TandemDraft *tandem_draft_new_for_id   (const char  *id);
void         tandem_draft_free         (TandemDraft *draft);
const char  *tandem_draft_get_id       (TandemDraft *draft);
/* Writes @project as the draft of @file (may be NULL). */
gboolean     tandem_draft_write        (TandemDraft   *draft,
                                        TandemProject *project,
                                        GFile         *file,
                                        GError       **error);
/* Reads the draft back; @file is set to the file it is a draft of, or NULL. */
TandemProject *tandem_draft_read       (TandemDraft   *draft,
                                        GFile        **file,
                                        GError       **error);
/* Drops the draft, and the session it was in. */
void         tandem_draft_discard      (TandemDraft *draft);
/* The live session the draft's window is in, as <id>.session next to it:
 * a JSON object written atomically with mode 0600 (it holds the client's
 * secret), read back through the bounded JSON parser. */
gboolean     tandem_draft_write_session  (TandemDraft   *draft,
                                          JsonNode      *session,
                                          GError       **error);
/* NULL (and no error) when the draft was in no session. */
JsonNode    *tandem_draft_read_session   (TandemDraft   *draft,
                                          GError       **error);
void         tandem_draft_forget_session (TandemDraft   *draft);
/* The local history (tandem_history_log_to_string()) as <id>.history,
 * written atomically; read back into @history, which stays as it was on
 * error. A draft without one reads as TRUE with nothing loaded. */
gboolean     tandem_draft_write_history  (TandemDraft   *draft,
                                          TandemHistory *history,
                                          GError       **error);
gboolean     tandem_draft_read_history   (TandemDraft   *draft,
                                          TandemHistory *history,
                                          GError       **error);
/* Ids of the drafts on disk, newest first. */
GStrv        tandem_draft_list         (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TandemDraft, tandem_draft_free)

G_END_DECLS
