/* tandem-grid-view-private.h — the state shared by the files that make up the grid
 *
 * TandemGridView is split by concern:
 *   tandem-grid-view.c      the widget: properties, following the project, remote cursors
 *   tandem-grid-body.c      the scrolling body: cell layout, hit tests, drawing, roving focus
 *   tandem-grid-input.c     what the pointer and the keyboard do on the body
 *   tandem-grid-edit.c      cell edits: grid.* actions, paint and velocity strokes, cell menu
 *   tandem-grid-rows.c      a row per track: header, swatch, track menu, cells
 *   tandem-grid-tracks.c    track.* actions: add, rename, instrument, move, delete
 *   tandem-grid-cell.c      one step of one track (its own widget, tandem-grid-cell.h)
 * Tests reach the gesture steps and the widgets through the functions at the end.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-grid-cell.h"
#include "tandem-grid-view.h"

G_BEGIN_DECLS

/* The rows' geometry, shared by the header column and the body. */
#define TANDEM_GRID_RULER_HEIGHT  22
#define TANDEM_GRID_CELL_HEIGHT   34
#define TANDEM_GRID_ROW_GAP       4

typedef struct
{
  TandemGridView *view;
  TandemTrack    *track;
  gulong          notify_id;
  GtkWidget      *box;          /* in the header column: header + menu button */
  GtkWidget      *header;
  GtkWidget      *swatch;
  GtkWidget      *label;
  GtkWidget      *menu_button;
  GSimpleActionGroup *actions;  /* "row.*": the menu's view of this one track */
  GdkRGBA         color;
  GPtrArray      *cells;  /* TandemGridCell, parented to the body */
} TandemGridRow;

struct _TandemGridView
{
  GtkWidget       parent_instance;

  TandemProject  *project;
  TandemHistory  *history;
  GSignalGroup   *project_signals;
  GSignalGroup   *pattern_signals;
  GListModel     *tracks;       /* followed while project is set */
  GListModel     *patterns;
  TandemPattern  *pattern;      /* the pattern shown */
  char           *pattern_id;   /* the one to show (view state); NULL: the playing one */

  GPtrArray      *rows;         /* TandemGridRow */
  GHashTable     *row_by_track; /* track id → TandemGridRow, borrowed */
  guint           n_steps;
  guint           steps_per_beat;
  guint           beats_per_bar;

  GtkWidget      *header_box;
  GtkWidget      *add_button;
  GtkWidget      *scroller;
  GtkWidget      *body;

  int             playhead_step;
  char           *selected_track;
  gboolean        syncing_headers;
  GPtrArray      *cursors;      /* TandemGridCursor */

  guint           focus_row;
  guint           focus_step;

  gboolean        painting;
  guint8          paint_velocity;
  gboolean        velocity_dragging;
  char           *drag_track;
  guint           drag_step;
  int             drag_start_velocity;

  GMenu          *menu_model;
  GtkWidget      *menu;
  char           *menu_track;   /* the cell the menu is about */
  guint           menu_step;
  GtkWidget      *probability_spin;  /* in the menu */
  GtkWidget      *piano_roll;        /* in the menu of a melodic cell */

  GtkWidget      *velocity_popover;  /* the number while a velocity changes */
  GtkWidget      *velocity_label;
  guint           velocity_hide_source;

  char           *ghost_track;  /* a generated rhythm previewed on this row */
  guint8          ghost[TANDEM_MAX_STEPS];
};

/* The body: the cells of every row in a horizontally scrolling area. */
#define TANDEM_TYPE_GRID_BODY (tandem_grid_body_get_type ())
G_DECLARE_FINAL_TYPE (TandemGridBody, tandem_grid_body, TANDEM, GRID_BODY, GtkWidget)

struct _TandemGridBody
{
  GtkWidget       parent_instance;
  TandemGridView *view;   /* unowned: the view owns the body */
  float           xs[TANDEM_MAX_STEPS];
  float           cell_width;
  double          pointer_x;
  double          pointer_y;
  double          drag_x;
  double          drag_y;
  double          scroll_accum;
  GtkGesture     *drag;   /* owned by the widget */
};

/* tandem-grid-cell.c: the bold small text of cells, bar numbers and name tags */
PangoLayout    *_tandem_grid_create_tag_layout   (GtkWidget       *widget,
                                                  const char      *text,
                                                  double           scale);
void            _tandem_grid_append_layout       (GtkSnapshot     *snapshot,
                                                  PangoLayout     *layout,
                                                  float            x,
                                                  float            y,
                                                  const GdkRGBA   *color);

/* tandem-grid-body.c */
GtkWidget      *_tandem_grid_body_new            (TandemGridView  *view);
void            _tandem_grid_body_get_cell_rect  (TandemGridBody  *self,
                                                  guint            row,
                                                  guint            step,
                                                  graphene_rect_t *rect);
/* Which cell is at (@x, @y). With @lenient, gaps count as the nearest cell,
 * so a paint stroke does not skip cells between them. */
gboolean        _tandem_grid_body_cell_at        (TandemGridBody  *self,
                                                  double           x,
                                                  double           y,
                                                  gboolean         lenient,
                                                  guint           *row,
                                                  guint           *step);
/* Moves the keyboard focus (and the roving focus position) to a cell, or to
 * the nearest one when moving the focus changed the grid so that the cell is
 * gone (a field committed on focus-out); returns whether the cell itself
 * has the focus. */
gboolean        _tandem_grid_view_focus_cell     (TandemGridView  *self,
                                                  guint            row,
                                                  guint            step);

/* tandem-grid-input.c */
void            _tandem_grid_body_add_controllers (TandemGridBody *self);

/* tandem-grid-edit.c */
void            _tandem_grid_view_class_edit_init (GtkWidgetClass *widget_class);
/* Shows @velocity over the cell at @row, @step: until hidden, or for a
 * moment when @brief (a scroll or key nudge). */
void            _tandem_grid_view_show_velocity  (TandemGridView  *self,
                                                  guint            row,
                                                  guint            step,
                                                  guint            velocity,
                                                  gboolean         brief);
void            _tandem_grid_view_hide_velocity  (TandemGridView  *self);
/* The velocity label (NULL before the first shows), for tests. */
GtkWidget      *_tandem_grid_view_get_velocity_label (TandemGridView *self);
/* The probability field and the piano roll of the open cell menu. */
GtkSpinButton  *_tandem_grid_view_get_probability_spin (TandemGridView *self);
GtkWidget      *_tandem_grid_view_get_piano_roll (TandemGridView  *self);
/* Ends a paint stroke or velocity drag that is under way, as one undo step. */
void            _tandem_grid_view_end_strokes    (TandemGridView  *self);
/* The model removed rows or steps: a stroke or drag under way ends here (its
 * gesture is reset, so the pointer edits nothing more), and a cell menu
 * whose cell is gone closes. */
void            _tandem_grid_view_cells_removed  (TandemGridView  *self);

/* tandem-grid-rows.c */
TandemGridRow  *_tandem_grid_view_find_row       (TandemGridView  *self,
                                                  const char      *track_id,
                                                  guint           *index);
TandemGridRow  *_tandem_grid_view_row_at         (TandemGridView  *self,
                                                  guint            index);
void            _tandem_grid_row_free            (TandemGridRow   *row);
void            _tandem_grid_view_insert_row     (TandemGridView  *self,
                                                  TandemTrack     *track,
                                                  guint            index);
void            _tandem_grid_view_rows_changed   (TandemGridView  *self);
void            _tandem_grid_view_rebuild_rows   (TandemGridView  *self);
void            _tandem_grid_view_refresh_cells  (TandemGridView  *self);
void            _tandem_grid_view_sync_headers   (TandemGridView  *self);
void            _tandem_grid_view_update_row_actions (TandemGridView *self);

/* tandem-grid-tracks.c */
void            _tandem_grid_view_class_tracks_init (GtkWidgetClass *widget_class);
/* The instruments a track can play without a sample, in menu order. */
guint           _tandem_grid_get_n_instruments   (void);
const char     *_tandem_grid_get_instrument_id   (guint            index);
/* Translated. */
const char     *_tandem_grid_get_instrument_label (guint           index);

/* For the gestures and the tests. */

/* A paint stroke: the first cell decides on or off, one undo step. */
void            _tandem_grid_view_paint_begin    (TandemGridView *self,
                                                  const char     *track_id,
                                                  guint           step);
void            _tandem_grid_view_paint_to       (TandemGridView *self,
                                                  const char     *track_id,
                                                  guint           step);
void            _tandem_grid_view_paint_end      (TandemGridView *self);
/* A velocity drag on an active cell: @dy pixels from the start, up is louder. */
gboolean        _tandem_grid_view_velocity_begin (TandemGridView *self,
                                                  const char     *track_id,
                                                  guint           step);
void            _tandem_grid_view_velocity_update (TandemGridView *self,
                                                   double          dy);
void            _tandem_grid_view_velocity_end   (TandemGridView *self);
/* The cell widget showing @track_id at @step, or NULL. */
TandemGridCell *_tandem_grid_view_get_cell       (TandemGridView *self,
                                                  const char     *track_id,
                                                  guint           step);
/* Where the keyboard focus cell is. */
void            _tandem_grid_view_get_focus_cell (TandemGridView *self,
                                                  guint          *row,
                                                  guint          *step);
/* The rows, in track order, and the widgets of each row's header. */
guint           _tandem_grid_view_get_n_rows     (TandemGridView *self);
const char     *_tandem_grid_view_get_row_track_id (TandemGridView *self,
                                                    guint           index);
GtkWidget      *_tandem_grid_view_get_row_header (TandemGridView *self,
                                                  const char     *track_id);
GtkWidget      *_tandem_grid_view_get_row_menu_button (TandemGridView *self,
                                                       const char     *track_id);
GtkWidget      *_tandem_grid_view_get_add_button (TandemGridView *self);
/* Opens the Rename Track dialog; its answer goes through track.rename. */
GtkWidget      *_tandem_grid_view_show_rename_dialog (TandemGridView *self,
                                                      const char     *track_id);
/* Opens the context menu of a cell; returns the menu's model (owned by the grid). */
GMenuModel     *_tandem_grid_view_popup_menu     (TandemGridView *self,
                                                  const char     *track_id,
                                                  guint           step);
/* The open context menu of a cell, or NULL. */
GtkWidget      *_tandem_grid_view_get_cell_menu  (TandemGridView *self);

G_END_DECLS
