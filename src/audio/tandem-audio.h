/* tandem-audio.h — the audio layer: engine, offline render and export
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-engine.h"
#include "tandem-export.h"
#include "tandem-plan-compile.h"
#include "tandem-render-plan.h"
#include "tandem-renderer.h"
#include "tandem-sample.h"
#include "tandem-decoded-cache.h"
#include "tandem-sample-cache.h"
