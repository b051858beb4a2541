/** Login as a stock Alluxio worker does it: SASL PLAIN over the authentication stream (SIMPLE), or none (NOSASL). */
package io.purefuse.worker.auth;
