/* tandem-model.h — the model layer: project state and the ops that change it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-clip.h"
#include "tandem-evolve.h"
#include "tandem-generate.h"
#include "tandem-harmony.h"
#include "tandem-history.h"
#include "tandem-json.h"
#include "tandem-layers.h"
#include "tandem-model-types.h"
#include "tandem-music-types.h"
#include "tandem-op.h"
#include "tandem-pattern.h"
#include "tandem-project.h"
#include "tandem-project-diff.h"
#include "tandem-project-file.h"
#include "tandem-rhythm.h"
#include "tandem-sample-error.h"
#include "tandem-sample-info.h"
#include "tandem-sample-store.h"
#include "tandem-track.h"
