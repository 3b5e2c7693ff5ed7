package org.airgap.redfish.api;

/** The canonical URIs this service hands out. */
public final class Paths {
  public static final String SYSTEMS = "/redfish/v1/Systems";
  public static final String MANAGERS = "/redfish/v1/Managers";
  public static final String SESSION_SERVICE = "/redfish/v1/SessionService";
  public static final String SESSIONS = SESSION_SERVICE + "/Sessions";

  private Paths() {}

  public static String system(String id) {
    return SYSTEMS + "/" + id;
  }

  public static String manager(String id) {
    return MANAGERS + "/" + id;
  }

  public static String session(String id) {
    return SESSIONS + "/" + id;
  }
}
