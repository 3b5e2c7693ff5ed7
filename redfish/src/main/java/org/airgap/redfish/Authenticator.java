package org.airgap.redfish;

/** Checks a user name and password; the appliance passes in the registry's htpasswd check. */
@FunctionalInterface
public interface Authenticator {
  boolean authenticate(String user, String password);
}
