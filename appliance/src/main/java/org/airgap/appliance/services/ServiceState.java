package org.airgap.appliance.services;

/** Where a service stands in the lifecycle. */
public enum ServiceState {
  NEW,
  STARTING,
  RUNNING,
  FAILED,
  STOPPING,
  STOPPED
}
