package io.dualwrite.mybatis;

import java.util.UUID;

/** A row keyed by a {@code UUID}, as the mappers see it. */
public class Break9Ticket {
    private UUID id;
    private String merchantNo;
    private String note;

    public Break9Ticket() {
    }

    public Break9Ticket(UUID id, String merchantNo, String note) {
        this.id = id;
        this.merchantNo = merchantNo;
        this.note = note;
    }

    public UUID getId() {
        return id;
    }

    public void setId(UUID id) {
        this.id = id;
    }

    public String getMerchantNo() {
        return merchantNo;
    }

    public void setMerchantNo(String merchantNo) {
        this.merchantNo = merchantNo;
    }

    public String getNote() {
        return note;
    }

    public void setNote(String note) {
        this.note = note;
    }
}
