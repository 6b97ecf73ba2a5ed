#pragma once
#include <stdio.h>
#include <zlib.h>
