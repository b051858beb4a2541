/** Which worker serves a path: Alluxio's consistent-hash ring over the live membership. */
package io.purefuse.backend.routing;
