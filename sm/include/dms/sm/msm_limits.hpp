// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Boost.MPL size limits for the Boost.MSM machines. Include this header FIRST in a
// translation unit that instantiates a machine, before any Boost header: MPL reads its
// limits once, when its first header is included, so a later definition is ignored.
//
// A transition table is an mpl::vector of rows. The ZoneSM table has 132 rows; MPL ships
// vectors of at most 50 elements (its preprocessed headers and vector50.hpp). We turn the
// preprocessed headers off, raise the variadic limit, and let MPL's own numbered-vector
// template generate vector51 ... vectorN, the way vector50.hpp generates vector41..50.

#if defined(BOOST_MPL_VECTOR_HPP_INCLUDED) || defined(BOOST_MPL_LIMIT_VECTOR_SIZE)
#error "dms/sm/msm_limits.hpp must be included before any Boost header"
#endif

#include <climits>

/// Rows of the largest transition table, rounded up to a multiple of ten.
#define DMS_MSM_MAX_ROWS 140

#define BOOST_MPL_CFG_NO_PREPROCESSED_HEADERS
#define BOOST_MPL_LIMIT_VECTOR_SIZE DMS_MSM_MAX_ROWS

#include <boost/mpl/vector/vector50.hpp>
#include <boost/preprocessor/iterate.hpp>

// clang-format off
namespace boost::mpl {
#define BOOST_PP_ITERATION_PARAMS_1 \
    (3, (51, BOOST_MPL_LIMIT_VECTOR_SIZE, <boost/mpl/vector/aux_/numbered.hpp>))
#include BOOST_PP_ITERATE()
} // namespace boost::mpl
// clang-format on

// <boost/mpl/vector.hpp> would include <boost/mpl/vector/vector140.hpp>, which does not
// exist; in preprocessing mode it skips that include and only declares the variadic
// mpl::vector<T0 ... T139> on top of the numbered vectors above. That mode also
// #undefs LONG_MAX, which we put back as <climits> defined it.
#define BOOST_MPL_PREPROCESSING_MODE
#include <boost/mpl/vector.hpp>
#undef BOOST_MPL_PREPROCESSING_MODE
#if !defined(LONG_MAX)
#define LONG_MAX __LONG_MAX__
#endif
