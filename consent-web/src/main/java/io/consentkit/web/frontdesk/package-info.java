/**
 * The front-desk (kiosk, tablet) page behind the operator login: records in-person consent with the staff member
 * and the location. Nothing here is null unless its Javadoc says so.
 */
package io.consentkit.web.frontdesk;
