/* tandem-kit.h — Hydrogen drum kits: drumkit.xml in a folder or a .h2drumkit archive
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TANDEM_KIT_ERROR (tandem_kit_error_quark ())

/**
 * TandemKitError:
 * @TANDEM_KIT_ERROR_NOT_FOUND: no drumkit.xml where one was expected
 * @TANDEM_KIT_ERROR_XML: drumkit.xml is not well-formed XML
 * @TANDEM_KIT_ERROR_INVALID: drumkit.xml is XML but not a drum kit Tandem can play
 * @TANDEM_KIT_ERROR_MISSING_FILE: a layer names a sample file the kit does not have
 * @TANDEM_KIT_ERROR_UNSAFE_PATH: a layer names a file outside the kit's folder
 * @TANDEM_KIT_ERROR_TOO_LARGE: the kit is beyond the limits below
 * @TANDEM_KIT_ERROR_ARCHIVE: the .h2drumkit archive cannot be read
 */
typedef enum
{
  TANDEM_KIT_ERROR_NOT_FOUND,
  TANDEM_KIT_ERROR_XML,
  TANDEM_KIT_ERROR_INVALID,
  TANDEM_KIT_ERROR_MISSING_FILE,
  TANDEM_KIT_ERROR_UNSAFE_PATH,
  TANDEM_KIT_ERROR_TOO_LARGE,
  TANDEM_KIT_ERROR_ARCHIVE,
} TandemKitError;

/* Limits past which a kit is refused rather than read. */
#define TANDEM_KIT_MAX_XML_BYTES      (8 * 1024 * 1024)
#define TANDEM_KIT_MAX_INSTRUMENTS    256
#define TANDEM_KIT_MAX_LAYERS         32       /* per instrument, = TANDEM_MAX_LAYERS */
#define TANDEM_KIT_MAX_SAMPLE_BYTES   (G_GUINT64_CONSTANT (100) * 1024 * 1024)
#define TANDEM_KIT_MAX_ARCHIVE_BYTES  (G_GUINT64_CONSTANT (2) * 1024 * 1024 * 1024)
#define TANDEM_KIT_MAX_ARCHIVE_ENTRIES 20000

typedef struct
{
  char   *file;       /* as drumkit.xml names it, relative to the kit */
  char   *path;       /* on disk; NULL for an archive read without extracting */
  double  min, max;   /* velocity range, 0 … 1 as in Hydrogen */
  double  gain;       /* linear */
  double  pitch;      /* semitones */
} TandemKitLayer;

typedef struct
{
  int        id;
  char      *name;
  double     volume;     /* Hydrogen's fader, linear */
  double     gain;       /* linear */
  double     pan;        /* -1 … 1 */
  double     pitch;      /* semitones, added to each layer's */
  int        mute_group; /* -1: none */
  GPtrArray *layers;     /* TandemKitLayer, in drumkit.xml order */
} TandemKitInstrument;

typedef struct
{
  char      *name;
  char      *author;
  char      *license;
  char      *info;        /* as written: often Qt rich text */
  char      *source;      /* the kit folder or the .h2drumkit file */
  char      *folder;      /* where the layer files are; NULL: archive not extracted */
  GPtrArray *instruments; /* TandemKitInstrument */
} TandemKit;

GQuark      tandem_kit_error_quark   (void);
void        tandem_kit_free          (TandemKit   *kit);

/* Parses drumkit.xml text (Hydrogen 0.9.x or 1.x), without looking at files:
 * each layer's path is left NULL. */
TandemKit  *tandem_kit_parse         (const char  *xml,
                                      gsize        length,
                                      GError     **error);
/* Reads @folder/drumkit.xml and checks that every layer's file is inside
 * @folder, exists and is at most TANDEM_KIT_MAX_SAMPLE_BYTES. */
TandemKit  *tandem_kit_load_folder   (const char  *folder,
                                      GError     **error);
/* Reads a .h2drumkit (tar, gzip'd or not). The layers' files must be in the
 * archive beside drumkit.xml. With @extract_to (a folder that is created if
 * missing), the files the layers use are written there and the kit's folder
 * is @extract_to; without, only the XML is read (enough to list the kit). */
TandemKit  *tandem_kit_load_archive  (const char  *archive,
                                      const char  *extract_to,
                                      GError     **error);
/* A folder or an archive, by what @path is. */
TandemKit  *tandem_kit_load          (const char  *path,
                                      const char  *extract_to,
                                      GError     **error);

/* The kit's notes as plain text: Hydrogen writes them as Qt rich text
 * (HTML); tags, the head and entities are dropped, blank runs folded. */
char       *tandem_kit_get_plain_info (const TandemKit *kit);

/* The folders Hydrogen keeps kits in, in search order: the user's
 * ($XDG_DATA_HOME/hydrogen/data/drumkits, ~/.hydrogen/data/drumkits, the
 * Flatpak app's) then the system's ($XDG_DATA_DIRS/hydrogen/data/drumkits,
 * /usr/share and /usr/local/share). $TANDEM_KIT_PATH (':'-separated) comes first. */
GStrv       tandem_kit_standard_folders (void);
/* Every kit in @folders (NULL: the standard ones): subfolders with a
 * drumkit.xml and *.h2drumkit files, sorted by name, the first of equal
 * names kept. Kits that fail to load go to @failed (optional) as
 * "PATH: message" strings. Archives are read without extracting. */
GPtrArray  *tandem_kit_find_all      (const char * const *folders,
                                      GPtrArray         **failed);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TandemKit, tandem_kit_free)

G_END_DECLS
