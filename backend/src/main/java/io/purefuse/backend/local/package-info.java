/** The local-directory under store ({@link io.purefuse.backend.local.LocalUnderFileSystem}). */
package io.purefuse.backend.local;
