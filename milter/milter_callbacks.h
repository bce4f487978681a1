// The libmilter adapter: fills a struct smfiDesc whose callbacks translate
// to Session calls and back. Holds no policy. The only file besides main.cc
// that includes libmilter.
#pragma once

#include "milter/milter_service.h"

namespace ar {

// Registers the callbacks with libmilter. service must outlive smfi_main().
// Returns false (and logs) when libmilter refuses the registration.
bool RegisterMilter(MilterService& service);

}  // namespace ar
