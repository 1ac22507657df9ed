/** Checks that the responder's deployment is ready before an incident needs it. */
package org.cloudir.prepare;
